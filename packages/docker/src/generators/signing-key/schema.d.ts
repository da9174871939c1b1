export interface SigningKeyGeneratorSchema {
  /** Where the public key is written (workspace-relative, committed). */
  publicKey?: string;
  /** Where the private key is written (workspace-relative, git-ignored): move it into a CI secret, then delete it. */
  privateKey?: string;
  /** Replace an existing key pair (images signed with the old key are then rebuilt and signed again). */
  force?: boolean;
}
