package io.ringtarget.server.startup;

import java.util.List;

/**
 * What a live change did to the running target, for its log line and the administrator.
 *
 * @param done          what changed, one item each ("LUN 1 of iqn...:t1 tpg 1 added", "2 sessions ended").
 * @param warnings      what the change could not apply while running (engine settings, the metrics endpoint), and
 *                      what went wrong after it was applied (a backstore whose requests did not complete in time).
 * @param sessionsEnded sessions ended because their ACL, portal, TPG or target went.
 */
public record AppliedChange(List<String> done, List<String> warnings, int sessionsEnded)
{
    public AppliedChange
    {
        done = List.copyOf(done);
        warnings = List.copyOf(warnings);
    }

    /** Nothing to do: the configuration is the one served. */
    public boolean nothing()
    {
        return done.isEmpty() && warnings.isEmpty();
    }
}
