package dev.agenttelemetry.config;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedRocksDbTest {
    /** The whole embedded stack has ~54 stores (tasks x stores x window segments); room for twice as many. */
    private static final int STORES = 108;

    @Test
    void theFirstArenaBlockOfEveryStoreFitsTheSharedMemtableBudget() {
        try (Options options = new Options()) {
            options.setTableFormatConfig(new BlockBasedTableConfig());
            new BoundedRocksDb().setConfig("store", options, Map.of());

            // Over the budget, the write buffer manager makes every write flush its store: thousands of tiny SST files.
            assertThat(options.arenaBlockSize()).isEqualTo(BoundedRocksDb.ARENA_BLOCK_BYTES);
            assertThat(STORES * options.arenaBlockSize()).isLessThan(BoundedRocksDb.MEMTABLE_BYTES);
            assertThat(options.writeBufferSize()).isLessThan(BoundedRocksDb.MEMTABLE_BYTES);
        }
    }
}
