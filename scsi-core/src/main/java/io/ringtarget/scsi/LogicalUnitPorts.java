package io.ringtarget.scsi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The target ports a logical unit is reached through and their target port groups (SPC-4 5.15.2): what REPORT TARGET
 * PORT GROUPS lists, what ALL_TG_PT registers through and what SET TARGET PORT GROUPS may name, with the IMPLICIT
 * TRANSITION TIME it reports. Read with one volatile read per array on the command path; replaced whole.
 */
final class LogicalUnitPorts
{
    private volatile TargetPort[] ports = new TargetPort[0];
    private volatile TargetPortGroup[] groups = new TargetPortGroup[0];
    private volatile int implicitTransitionTime;

    /**
     * Replaces the ports; {@code lu} registers with the new groups and leaves the ones it is no longer reached
     * through, so that an access state change raises ASYMMETRIC ACCESS STATE CHANGED on it.
     *
     * @throws IllegalArgumentException when two ports share a relative target port identifier, or two groups an id.
     */
    synchronized void set(final LogicalUnit lu, final TargetPort... ports)
    {
        final Set<Integer> ids = new HashSet<>();
        final List<TargetPortGroup> groups = new ArrayList<>();
        for (final TargetPort p : ports)
        {
            if (!ids.add(p.relativeTargetPortId()))
            {
                throw new IllegalArgumentException("relative target port " + p.relativeTargetPortId() + " twice");
            }
            if (!groups.contains(p.group()))
            {
                for (final TargetPortGroup g : groups)
                {
                    if (g.id() == p.group().id())
                    {
                        throw new IllegalArgumentException("two target port groups with id " + g.id());
                    }
                }
                groups.add(p.group());
            }
        }
        for (final TargetPortGroup g : this.groups)
        {
            if (!groups.contains(g))
            {
                g.unregister(lu);
            }
        }
        for (final TargetPortGroup g : groups)
        {
            g.register(lu);
        }
        this.groups = groups.toArray(new TargetPortGroup[0]);
        this.ports = ports.clone();
    }

    TargetPort[] ports()
    {
        return ports;
    }

    /** One of the ports has this relative target port identifier. */
    boolean has(final int relativeTargetPortId)
    {
        for (final TargetPort p : ports)
        {
            if (p.relativeTargetPortId() == relativeTargetPortId)
            {
                return true;
            }
        }
        return false;
    }

    TargetPortGroup[] groups()
    {
        return groups;
    }

    /** The group with this id among the logical unit's, or null. */
    TargetPortGroup group(final int id)
    {
        for (final TargetPortGroup g : groups)
        {
            if (g.id() == id)
            {
                return g;
            }
        }
        return null;
    }

    /** @throws IllegalArgumentException outside 0..255 (one byte of the extended header). */
    void implicitTransitionTime(final int seconds)
    {
        if (seconds < 0 || seconds > 255)
        {
            throw new IllegalArgumentException("implicit transition time " + seconds);
        }
        this.implicitTransitionTime = seconds;
    }

    int implicitTransitionTime()
    {
        return implicitTransitionTime;
    }
}
