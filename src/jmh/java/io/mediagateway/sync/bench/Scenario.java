package io.mediagateway.sync.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark scenario of the harness: what it measures, its goal, and one repetition (which runs
 * the scenario's baseline too, in the same run, so ratios hold on a noisy machine).
 */
interface Scenario {
    String id();

    String title();

    String goal();

    /** The settings of a run, for the results table. */
    String settings(BenchContext ctx);

    /** The metrics a repetition reports, in display order (the harness takes medians and min–max of each). */
    List<String> metrics();

    /** One repetition: every metric of {@link #metrics()}. */
    Map<String, Double> run(BenchContext ctx) throws Exception;

    /** Whether the medians meet the goal, and a one-line reading of them. */
    Verdict verdict(Map<String, Stats> stats);

    record Verdict(boolean met, String reading) {
    }

    /** Median and range of one metric over the repetitions. */
    record Stats(double median, double min, double max, List<Double> values) {
        static Stats of(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Stats(median, sorted.get(0), sorted.get(n - 1), values);
        }
    }

    static Map<String, Double> sample(Object... pairs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return out;
    }
}
