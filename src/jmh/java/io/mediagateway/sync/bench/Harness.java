package io.mediagateway.sync.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The benchmark harness: runs the scenarios B1–B10 (each with its baseline in the same run), repeats each,
 * prints a table of medians with min–max, and rewrites the results section of {@code BENCHMARKS.md}.
 *
 * <pre>
 * mvn -Pjmh -DskipTests package exec:exec -Dbench.main="io.mediagateway.sync.bench.Harness"            # all, 3 repetitions
 * mvn -Pjmh -DskipTests package exec:exec -Dbench.main="io.mediagateway.sync.bench.Harness --quick"    # smoke run, under 3 min
 * mvn -Pjmh -DskipTests package exec:exec -Dbench.main="io.mediagateway.sync.bench.Harness --only B1,B3 --reps 5"
 * </pre>
 * Options: {@code --quick} (small sizes, 1 repetition, BENCHMARKS.md untouched), {@code --reps N} (3),
 * {@code --only IDS} (rewrites those rows, keeps the others measured on the same machine), {@code --no-write}.
 * {@code KAFKA_BOOTSTRAP_SERVERS} runs against another broker.
 */
public final class Harness {
    static final Path BENCHMARKS = Path.of("BENCHMARKS.md");
    static final String START = "<!-- harness:start (rewritten by the benchmark harness; edit the text around it) -->";
    static final String END = "<!-- harness:end -->";

    private Harness() {
    }

    static List<Scenario> all() {
        return List.of(new B1TopologyVsBaseline(), new B2WriteToPush(), new B3RestReads(), new B4LargeUsers(),
                new B5WatchlistChurn(), new B6DeltaSizes(), new B7Egress(), new B8WebSockets(), new B9Restart(),
                new B10Replay(), new B11CatchUp(), new B12Heartbeats(), new B13BroadcastFanout(),
                new B14Notifications(), new B15PubNubIngress());
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean write = true;
        int reps = 3;
        Set<String> only = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-write" -> write = false;
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--only" -> only.addAll(List.of(args[++i].toUpperCase(Locale.ROOT).split(",")));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --quick, --reps N, --only B1,B2, --no-write)");
            }
        }
        if (quick) {
            reps = 1;
            write = false;
        }
        BenchContext ctx = new BenchContext(quick, Files.createDirectories(Path.of("target", "bench")));
        String machine = machine();
        System.out.println("Benchmark harness: " + (quick ? "quick" : "full") + ", " + reps + " repetition(s); " + machine);
        long started = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (Scenario s : all()) {
            if (!only.isEmpty() && !only.contains(s.id())) {
                continue;
            }
            System.out.printf("%n=== %s %s — goal: %s%n    %s%n", s.id(), s.title(), s.goal(), s.settings(ctx));
            Map<String, List<Double>> values = new LinkedHashMap<>();
            String error = null;
            for (int r = 1; r <= reps; r++) {
                try {
                    Map<String, Double> sample = s.run(ctx);
                    System.out.println("    repetition " + r + ": " + format(sample));
                    sample.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                } catch (Exception | AssertionError e) {
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                    System.out.println("    repetition " + r + " FAILED: " + error);
                    e.printStackTrace(System.out);
                    break;
                }
            }
            Map<String, Scenario.Stats> stats = new LinkedHashMap<>();
            values.forEach((k, v) -> stats.put(k, Scenario.Stats.of(v)));
            Scenario.Verdict verdict = error != null || stats.isEmpty() ? new Scenario.Verdict(false, "failed: " + error)
                    : s.verdict(stats);
            rows.add(new Row(s, stats, verdict, s.settings(ctx)));
            System.out.println("    => " + (verdict.met() ? "goal met" : "goal NOT met") + ": " + verdict.reading());
        }
        String table = table(rows, reps);
        System.out.println("\n" + table);
        System.out.printf("Harness finished in %.0f s%n", (System.nanoTime() - started) / 1e9);
        if (write) {
            String run = LocalDate.now(ZoneOffset.UTC) + ", " + reps + " repetition" + (reps == 1 ? "" : "s");
            System.out.println(rewrite(rows, run, machine));
        }
        System.exit(0); // embedded brokers and clients leave non-daemon threads behind
    }

    record Row(Scenario scenario, Map<String, Scenario.Stats> stats, Scenario.Verdict verdict, String settings) {
    }

    static String format(Map<String, Double> sample) {
        List<String> parts = new ArrayList<>();
        sample.forEach((k, v) -> parts.add(k + " " + number(v)));
        return String.join(", ", parts);
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String figures(Map<String, Scenario.Stats> stats, Function<String, Boolean> include) {
        List<String> parts = new ArrayList<>();
        stats.forEach((k, s) -> {
            if (include.apply(k)) {
                parts.add(k + " **" + number(s.median()) + "**" + (s.values().size() > 1
                        ? " (" + number(s.min()) + "–" + number(s.max()) + ")" : ""));
            }
        });
        return String.join("; ", parts);
    }

    static String table(List<Row> rows, int reps) {
        StringBuilder out = new StringBuilder("| id | scenario | goal | measured: median (min–max) over " + reps
                + " repetition(s) | goal met? |\n|---|---|---|---|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.scenario().id()).append(" | ").append(row.scenario().title()).append(" | ")
                    .append(row.scenario().goal()).append(" | ").append(figures(row.stats(), k -> true)).append(" | ")
                    .append(row.verdict().met() ? "yes" : "**no**").append(": ").append(row.verdict().reading())
                    .append(" |\n");
        }
        return out.toString();
    }

    /** One scenario's lines of the results section: its table row and its settings. */
    record Lines(String row, String settings) {
    }

    static Lines lines(Row row, String run) {
        return new Lines("| " + row.scenario().id() + " | " + row.scenario().title() + " | " + row.scenario().goal() + " | "
                + figures(row.stats(), k -> true) + " | " + (row.verdict().met() ? "yes" : "**no**") + ": "
                + row.verdict().reading() + " | " + run + " |",
                "- **" + row.scenario().id() + "**: " + row.settings());
    }

    static String section(Map<String, Lines> lines, String machine) {
        StringBuilder out = new StringBuilder(START).append("\n## Results of the benchmark harness\n\n");
        out.append(MACHINE).append(machine).append(".\n\n");
        out.append("Each row says when it was measured; a run of some scenarios (`--only`) replaces their rows and keeps ")
                .append("the others. Medians over the repetitions, min–max in brackets.\n\n");
        out.append("```bash\nmvn -Pjmh -DskipTests package exec:exec -Dbench.main=\"io.mediagateway.sync.bench.Harness\"\n```\n\n");
        out.append("| id | scenario | goal | measured: median (min–max) | goal met? | run |\n|---|---|---|---|---|---|\n");
        lines.values().forEach(l -> out.append(l.row()).append('\n'));
        out.append("\nSettings per scenario (instances of the service run the serving application alone, ")
                .append("`SYNC_ANALYTICS=off`):\n\n");
        lines.values().forEach(l -> out.append(l.settings()).append('\n'));
        return out.append(END).append('\n').toString();
    }

    static final String MACHINE = "Machine: ";

    /**
     * Rewrites the results section with these rows, keeping the rows of scenarios not run now when the
     * section was measured on the same machine. Returns what it did.
     */
    static String rewrite(List<Row> rows, String run, String machine) throws IOException {
        String text = Files.exists(BENCHMARKS) ? Files.readString(BENCHMARKS, StandardCharsets.UTF_8) : "# Benchmarks\n";
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        String old = start >= 0 && end > start ? text.substring(start, end) : "";
        Map<String, Lines> kept = previousLines(old);
        boolean sameMachine = old.contains(MACHINE + machine + ".");
        Map<String, Lines> lines = new LinkedHashMap<>();
        for (Scenario s : all()) {
            rows.stream().filter(r -> r.scenario().id().equals(s.id())).findFirst()
                    .ifPresentOrElse(r -> lines.put(s.id(), lines(r, run)), () -> {
                        if (sameMachine && kept.containsKey(s.id())) {
                            lines.put(s.id(), kept.get(s.id()));
                        }
                    });
        }
        String section = section(lines, machine);
        String updated;
        if (!old.isEmpty()) {
            updated = text.substring(0, start) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
        } else {
            int firstSection = text.indexOf("\n## ");
            updated = firstSection < 0 ? text + "\n" + section
                    : text.substring(0, firstSection + 1) + section + "\n" + text.substring(firstSection + 1);
        }
        Files.writeString(BENCHMARKS, updated, StandardCharsets.UTF_8);
        int dropped = (int) kept.keySet().stream().filter(id -> !lines.containsKey(id)).count();
        return "Rewrote the results section of " + BENCHMARKS.toAbsolutePath() + ": " + rows.size() + " row(s) measured now, "
                + (lines.size() - rows.size()) + " kept" + (dropped > 0 ? ", " + dropped + " dropped (measured on another machine)" : "");
    }

    /** The rows and settings lines of a results section the harness wrote, by scenario id. */
    static Map<String, Lines> previousLines(String section) {
        Map<String, String> rows = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            java.util.regex.Matcher row = java.util.regex.Pattern.compile("^\\| (B\\d+) \\|.*\\|$").matcher(line);
            java.util.regex.Matcher setting = java.util.regex.Pattern.compile("^- \\*\\*(B\\d+)\\*\\*: ").matcher(line);
            if (row.find() && line.split("\\|", -1).length == 8) {
                rows.put(row.group(1), line);
            } else if (setting.find()) {
                settings.put(setting.group(1), line);
            }
        }
        Map<String, Lines> lines = new LinkedHashMap<>();
        rows.forEach((id, row) -> lines.put(id, new Lines(row, settings.getOrDefault(id, "- **" + id + "**: (settings not recorded)"))));
        return lines;
    }

    static String machine() {
        String cpu = "unknown CPU";
        long memKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave the defaults
        }
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, %s %s, harness heap %d MiB",
                Runtime.getRuntime().availableProcessors(), cpu, memKb / 1024.0 / 1024.0,
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() >> 20);
    }
}
