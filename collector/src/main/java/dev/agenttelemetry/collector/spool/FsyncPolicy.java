package dev.agenttelemetry.collector.spool;

/**
 * When the spool forces its writes to the disk.
 * <ul>
 *   <li>{@code always}: every group of appends is fsynced before any of them is acknowledged. An
 *       acknowledged event survives a crash of the process and of the machine.</li>
 *   <li>{@code interval}: appends are acknowledged once written to the operating system, and fsynced at
 *       most {@code collector.spool.fsync.interval.ms} later. Survives a crash of the process; a power
 *       loss can lose that interval's events.</li>
 * </ul>
 */
public enum FsyncPolicy {
    ALWAYS, INTERVAL
}
