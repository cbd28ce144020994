import { connectHost, errorText } from '../../probes/connect.js';
import type { ProbeContext } from '../../probes/context.js';
import type { TcpMonitorConfig } from '../config-schema.js';

export interface TcpEvidence {
  error?: string;
  connectMs: number;
  address?: string;
}

/** A thin wrapper over the probes' one TCP connect (scope check and port map included). */
export async function probeTcp(config: TcpMonitorConfig, context: ProbeContext): Promise<TcpEvidence> {
  const started = performance.now();
  try {
    const { socket, address, connectMs } = await connectHost(context, config.host, config.port, config.timeout);
    socket.destroy();
    return { connectMs: Math.round(connectMs), address: `${address}:${config.port}` };
  } catch (error) {
    return { error: errorText(error), connectMs: Math.round(performance.now() - started) };
  }
}
