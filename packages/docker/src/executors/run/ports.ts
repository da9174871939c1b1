// Published ports bind to one host address (loopback unless asked otherwise): a service run
// for a look from this machine is not offered to the whole network.

/** `8000:8000` -> `127.0.0.1:8000:8000`; `8000` -> `127.0.0.1::8000`; a spec with an address keeps it. */
export function publishSpec(spec: string, host: string): string {
  const [ports, protocol] = spec.split('/');
  const parts = ports.split(':');
  if (parts.length >= 3) return spec; // ip:host:container already
  const withHost = parts.length === 2 ? `${host}:${ports}` : `${host}::${ports}`;
  return protocol ? `${withHost}/${protocol}` : withHost;
}
