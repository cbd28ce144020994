import type { ProbeContext } from '../../probes/context.js';
import type { TcpMonitorConfig } from '../config-schema.js';
import { connectTarget, errorText, tcpConnect } from './net.js';

export interface TcpEvidence {
  error?: string;
  connectMs: number;
  address?: string;
}

export async function probeTcp(config: TcpMonitorConfig, context: ProbeContext): Promise<TcpEvidence> {
  const started = performance.now();
  try {
    const target = await connectTarget(context, config.host, config.port);
    const { socket, connectMs } = await tcpConnect(target.address, target.port, config.timeout, context.signal);
    socket.destroy();
    return { connectMs: Math.round(connectMs), address: `${target.address}:${config.port}` };
  } catch (error) {
    return { error: errorText(error), connectMs: Math.round(performance.now() - started) };
  }
}
