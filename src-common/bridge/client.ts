import type { ArgOf, EventName, MethodName, PayloadOf, ResultOf } from './contract';
import { fromWire } from './errors';
import type { ClientPort } from './protocol';

/**
 * The renderer side of the bridge, over any transport. Failures arrive as typed errors
 * (ValidationError, NotFoundError, ConflictError, …; see errors.ts).
 */
export class BridgeClient {
  private nextId = 1;
  constructor(private readonly port: ClientPort) {}

  async call<M extends MethodName>(method: M, ...arg: undefined extends ArgOf<M> ? [ArgOf<M>?] : [ArgOf<M>]): Promise<ResultOf<M>> {
    const reply = await this.port.request({ id: this.nextId++, method, arg: arg[0] });
    if (!reply.ok) throw fromWire(reply.error);
    return reply.value as ResultOf<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void {
    return this.port.onEvent((msg) => {
      if (msg.event === event) listener(msg.payload as PayloadOf<E>);
    });
  }
}
