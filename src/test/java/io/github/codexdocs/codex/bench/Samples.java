package io.github.codexdocs.codex.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Timings of one variant, in seconds, in the order they were taken. */
final class Samples {
    private final List<Double> values = new ArrayList<>();

    void add(double value) {
        values.add(value);
    }

    int size() {
        return values.size();
    }

    double get(int i) {
        return values.get(i);
    }

    /** The same without the first value (one taken during a warm-up). */
    Samples withoutFirst() {
        Samples rest = new Samples();
        values.stream().skip(1).forEach(rest::add);
        return rest;
    }

    double median() {
        return percentile(50);
    }

    /** Nearest-rank percentile. */
    double percentile(double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (p == 50) {
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** The median of the ratios {@code this[i] / other[i]}: pair by pair, so that drifts in machine load cancel. */
    double medianRatioTo(Samples other) {
        Samples ratios = new Samples();
        for (int i = 0; i < Math.min(size(), other.size()); i++) {
            ratios.add(get(i) / other.get(i));
        }
        return ratios.median();
    }

    /** The median of the differences {@code this[i] - other[i]}, pair by pair. */
    double medianDifferenceTo(Samples other) {
        Samples differences = new Samples();
        for (int i = 0; i < Math.min(size(), other.size()); i++) {
            differences.add(get(i) - other.get(i));
        }
        return differences.median();
    }

    /** Every value, for the record: {@code [1.23, 1.25, …]}. */
    String all(String format) {
        return Arrays.toString(values.stream().map(v -> String.format(Locale.ROOT, format, v)).toArray());
    }
}
