package io.mediagateway.sync.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Puts every RocksDB instance of the process (8 stores × their partitions, plus window segments) under
 * one memory budget: a single LRU block cache of {@code sync.rocksdb.memory.bytes} that also holds the
 * index and filter blocks, and a write-buffer manager that charges memtables to that same cache, capped
 * at half of it. Without this each instance takes its own 50 MiB cache and 3 × 16 MiB memtables,
 * so memory grows with the partitions an instance happens to own and a container limit cannot be set.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    /** The process-wide RocksDB budget in bytes (block cache, index/filter blocks and memtables together). */
    public static final String MEMORY_BYTES_CONFIG = "sync.rocksdb.memory.bytes";
    public static final long DEFAULT_MEMORY_BYTES = 256L << 20;
    static final long BLOCK_SIZE = 16L << 10;
    static final int MEMTABLES = 2;

    /** One cache and one write-buffer manager per budget, shared by every store of the process and never closed. */
    private record Shared(Cache cache, WriteBufferManager writeBuffers, long memtableBytes) {
    }

    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long budget = budget(configs);
        Shared shared = SHARED.computeIfAbsent(budget, BoundedRocksDb::create);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setBlockSize(BLOCK_SIZE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setMaxWriteBufferNumber(MEMTABLES);
        options.setWriteBufferSize(memtableSize(shared.memtableBytes()));
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store: closing them here would break the others.
    }

    static long budget(Map<String, Object> configs) {
        Object value = configs.get(MEMORY_BYTES_CONFIG);
        if (value == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
        if (bytes < (16L << 20)) {
            throw new IllegalArgumentException(MEMORY_BYTES_CONFIG + " must be at least 16 MiB, got " + bytes);
        }
        return bytes;
    }

    /** One memtable: small enough that a few active ones fit the memtable share; 1–16 MiB. */
    static long memtableSize(long memtableBytes) {
        return Math.max(1L << 20, Math.min(16L << 20, memtableBytes / 8));
    }

    private static Shared create(long budget) {
        // Half for memtables: with a quarter, 8 stores × 12 partitions of writes forced a flush every few
        // MiB and halved the topology's events/s (benchmark B1, BENCHMARKS.md).
        long memtables = budget / 2;
        // A tenth of the cache is kept for index and filter blocks (high priority), so data blocks cannot evict them.
        Cache cache = new LRUCache(budget, -1, false, 0.1);
        return new Shared(cache, new WriteBufferManager(memtables, cache), memtables);
    }
}
