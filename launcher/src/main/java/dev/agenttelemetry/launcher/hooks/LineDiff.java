package dev.agenttelemetry.launcher.hooks;

import java.util.ArrayList;
import java.util.List;

/** A minimal line diff (longest common subsequence) for showing what --dry-run would change. */
final class LineDiff {
    private LineDiff() {
    }

    /** Lines prefixed "+ ", "- " or "  "; unchanged runs longer than 2 * context are elided. */
    static List<String> diff(List<String> before, List<String> after, int context) {
        int n = before.size();
        int m = after.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = before.get(i).equals(after.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> all = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && before.get(i).equals(after.get(j))) {
                all.add("  " + before.get(i++));
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                all.add("+ " + after.get(j++));
            } else {
                all.add("- " + before.get(i++));
            }
        }
        List<String> shown = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            if (!all.get(k).startsWith("  ") || nearChange(all, k, context)) {
                shown.add(all.get(k));
            } else if (shown.isEmpty() || !shown.get(shown.size() - 1).equals("  ...")) {
                shown.add("  ...");
            }
        }
        return shown;
    }

    private static boolean nearChange(List<String> lines, int k, int context) {
        for (int d = Math.max(0, k - context); d <= Math.min(lines.size() - 1, k + context); d++) {
            if (!lines.get(d).startsWith("  ")) {
                return true;
            }
        }
        return false;
    }
}
