package io.mediagateway.sync.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads, summed by the name before the first space, digit or dash-digit ({@code OkHttp
 * Dispatcher} → {@code OkHttp}, {@code JettyServerThreadPool-12} → {@code JettyServerThreadPool}): where a scenario's
 * CPU went. Threads that ended between two readings are missed, so pools are compared, not one-off threads.
 */
final class ThreadCpu {
    private ThreadCpu() {
    }

    static Map<String, Long> byGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info != null && cpu > 0) {
                out.merge(group(info.getThreadName()), cpu, Long::sum);
            }
        }
        return out;
    }

    /** Nanoseconds of CPU per group since {@code before}. */
    static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> now = byGroup();
        now.replaceAll((group, cpu) -> cpu - before.getOrDefault(group, 0L));
        return now;
    }

    static String group(String threadName) {
        String g = threadName.split("[ \\d]", 2)[0];
        return g.endsWith("-") ? g.substring(0, g.length() - 1) : g;
    }
}
