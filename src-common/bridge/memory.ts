import type { BridgeHost } from './host';
import type { ClientPort } from './protocol';

/**
 * The in-memory transport (tests): a ClientPort wired straight to a BridgeHost. Messages go
 * through JSON both ways, as they would over a socket, so nothing shares references.
 */
export function memoryPort(host: BridgeHost): ClientPort {
  const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  return {
    request: async (req) => copy(await host.dispatch(copy(req))),
    onEvent: (listener) => host.subscribe((msg) => listener(copy(msg))),
  };
}
