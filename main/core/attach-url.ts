// Which OpenCode URLs the bridge may attach to. Basic auth sends the password with every request,
// so plain http is only acceptable where nothing but this machine can listen: loopback. Pure; the
// window's settings check uses it too.

/** 127.0.0.0/8, ::1 and localhost, as WHATWG URL spells them in `hostname`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Why the bridge refuses to attach to `url`, or undefined when it may. */
export function cleartextAttachProblem(url: URL): string | undefined {
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname)) return undefined;
  return (
    `${url.host} is neither https nor this machine (127.0.0.1, ::1, localhost): ` +
    'the OpenCode password would travel in clear. Use an https:// URL or a loopback address.'
  );
}

/**
 * Why `url` is refused for a service that would get `what` (audio, a key…) in clear, or undefined:
 * the same rule as for OpenCode's URL, https or this machine.
 */
export function cleartextEndpointProblem(url: URL, what: string): string | undefined {
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname)) return undefined;
  return (
    `${url.host} is neither https nor this machine (127.0.0.1, ::1, localhost): ` +
    `${what} would travel in clear. Use an https:// URL or a loopback address.`
  );
}
