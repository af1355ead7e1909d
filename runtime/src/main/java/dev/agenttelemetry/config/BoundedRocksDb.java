package dev.agenttelemetry.config;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * One memory budget for every RocksDB store in the JVM, as Kafka Streams' memory-management guide describes:
 * a shared block cache that also holds index and filter blocks, and memtables counted against it. Without
 * it each store (one per task, and one per segment of a window store) gets its own 50 MB cache and up to
 * three 16 MB memtables, so resident memory grows with partitions and windows instead of staying bounded.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    static final long TOTAL_BYTES = 48L << 20;
    static final long MEMTABLE_BYTES = 16L << 20;
    static final long ARENA_BLOCK_BYTES = 64L << 10;
    // Shared by every store: static because Kafka Streams creates one setter per store.
    private static final Cache CACHE;
    private static final WriteBufferManager WRITE_BUFFERS;

    static {
        RocksDB.loadLibrary(); // the setter may run before any store has loaded the native library
        CACHE = new LRUCache(TOTAL_BYTES, -1, false, 0.1);
        WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setWriteBufferSize(4L << 20);
        options.setMaxWriteBufferNumber(2);
        // A memtable takes memory in arena blocks, by default write_buffer_size / 8 = 512 KB even for one entry.
        // With ~50 stores (tasks x stores x window segments) that alone exceeded the shared memtable budget, so
        // every write made its store flush a tiny SST file, and flushes and compactions took ~0.4 cores.
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager outlive every store: nothing to close per store.
    }
}
