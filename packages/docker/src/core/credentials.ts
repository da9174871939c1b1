// Credentials embedded in URLs (`https://ci-bot:TOKEN@git.example.com/...`, as GitLab CI clones):
// stripped before a URL reaches an image label, a record, a log or a report, and found by the
// image audit when something else put them there.

// scheme://user[:password]@host — the user part alone can be a token too (`https://TOKEN@host`).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@:]+(?::[^/\s@]*)?@/gi;

/** The URL without its user-info part: `https://host/...`. Anything else is left as it is. */
export function redactUrl(text: string): string {
  return text.replace(USERINFO, '$1');
}

/** True when the text holds a URL with user-info (a user name, a password or a token). */
export function hasUrlCredentials(text: string): boolean {
  USERINFO.lastIndex = 0;
  const found = USERINFO.test(text);
  USERINFO.lastIndex = 0;
  return found;
}
