package io.github.codexdocs.codex.bench;

/** The smallest and largest of some counts (requests per build, say), which a target wants to be all the same. */
final class Counts {
    private int min = Integer.MAX_VALUE;
    private int max = Integer.MIN_VALUE;

    synchronized void add(int count) {
        min = Math.min(min, count);
        max = Math.max(max, count);
    }

    synchronized boolean allEqual(int expected) {
        return min == expected && max == expected;
    }

    @Override
    public synchronized String toString() {
        return min == max ? Integer.toString(min) : "between " + min + " and " + max;
    }
}
