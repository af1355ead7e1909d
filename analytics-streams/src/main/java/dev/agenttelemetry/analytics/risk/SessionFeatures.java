package dev.agenttelemetry.analytics.risk;

import dev.agenttelemetry.avro.SessionActivity;

/**
 * The numbers that describe how a session works, for comparing it with the user's other sessions:
 * size, pace, error rate, delegation share, share of work outside the project, share of shell commands.
 */
record SessionFeatures(double[] values) {
    static final String[] NAMES = {"log_tool_calls", "calls_per_minute", "error_rate", "delegation_share", "outside_share", "command_share"};
    /** The smallest spread a feature is judged with, so a user who always does the same is not alarmed by tiny changes. */
    static final double[] MIN_SPREAD = {0.5, 2.0, 0.05, 0.05, 0.05, 0.1};

    static SessionFeatures of(SessionActivity a) {
        double calls = a.getToolCalls();
        double perCall = Math.max(1, calls);
        return new SessionFeatures(new double[]{
                Math.log1p(calls),
                callsPerMinute(a),
                (a.getFailures() + a.getNoResults()) / perCall,
                a.getDelegationShare(),
                a.getOutsideProjectEvents() / perCall,
                a.getEventsByType().getOrDefault("command_execution", 0L) / Math.max(1.0, a.getEventCount())});
    }

    static double callsPerMinute(SessionActivity a) {
        double minutes = Math.max(1.0, (a.getLastEventAt().toEpochMilli() - a.getFirstEventAt().toEpochMilli()) / 60_000.0);
        return a.getToolCalls() / minutes;
    }
}
