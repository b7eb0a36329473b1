import { TiB } from '../parse/size';
import { SCHEMA_VERSION, type Workspace } from './schema';

/** What "New workspace" creates: a one-socket POWER9 host, nothing else. */
export function emptyWorkspace(name: string): Workspace {
  return {
    schemaVersion: SCHEMA_VERSION,
    name,
    host: { name: 'host', model: 'POWER9', threadsPerCore: 4, sockets: [{ cores: 16, memoryBytes: TiB / 2 }] },
    guests: [],
    devices: { mhi: [], aie: null, dmabuf: { exporters: [], importers: [] } },
    workloads: [],
    kernel: { barriers: { beforeSet: true, afterClear: true } },
    params: {},
  };
}
