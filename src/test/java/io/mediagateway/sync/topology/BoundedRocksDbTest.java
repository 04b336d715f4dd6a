package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbTest {
    static {
        RocksDB.loadLibrary();
    }

    @Test
    void shouldPutEveryStoreOnTheSharedCacheWithSmallMemtablesAndCachedIndexes() {
        try (Options options = new Options()) {
            options.setTableFormatConfig(new BlockBasedTableConfig());

            new BoundedRocksDb().setConfig("watchlist", options, Map.of(BoundedRocksDb.MEMORY_BYTES_CONFIG, 64L << 20));

            BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
            assertThat(table.blockSize()).isEqualTo(BoundedRocksDb.BLOCK_SIZE);
            // half of 64 MiB for memtables, an eighth of that per memtable: 4 MiB, two of them per store
            assertThat(options.writeBufferSize()).isEqualTo(4L << 20);
            assertThat(options.maxWriteBufferNumber()).isEqualTo(BoundedRocksDb.MEMTABLES);
        }
    }

    @Test
    void shouldReadTheBudgetFromTheStreamsConfigAndRefuseOneTooSmall() {
        assertThat(BoundedRocksDb.budget(Map.of())).isEqualTo(BoundedRocksDb.DEFAULT_MEMORY_BYTES);
        assertThat(BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_BYTES_CONFIG, "134217728"))).isEqualTo(128L << 20);
        assertThatThrownBy(() -> BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_BYTES_CONFIG, 1024)))
                .hasMessageContaining("at least 16 MiB");
        assertThat(BoundedRocksDb.memtableSize(1L << 30)).as("capped").isEqualTo(16L << 20);
        assertThat(BoundedRocksDb.memtableSize(1L << 20)).as("floored").isEqualTo(1L << 20);
    }
}
