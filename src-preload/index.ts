// The preload: exposes the bridge's two primitives to the sandboxed renderer as `window.twb`.
// No logic here — validation happens in main (src-common/bridge/host.ts).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_REQUEST, type EventMessage, type PreloadApi, type ReplyMessage, type RequestMessage } from '../src-common/bridge/protocol';

const api: PreloadApi = {
  request: (req: RequestMessage) => ipcRenderer.invoke(IPC_REQUEST, req) as Promise<ReplyMessage>,
  onEvent: (listener: (msg: EventMessage) => void) => {
    const forward = (_e: IpcRendererEvent, msg: EventMessage) => listener(msg);
    ipcRenderer.on(IPC_EVENT, forward);
    return () => void ipcRenderer.removeListener(IPC_EVENT, forward);
  },
};

contextBridge.exposeInMainWorld('twb', api);
