package io.ringtarget.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * Where librados and librbd are loaded from: Debian's librados2 and librbd1 (16.2). They are looked up when an
 * {@code rbd} backstore is opened, not before, so that a target without one needs neither.
 */
public final class CephLibraries
{
    public static final String LIBRADOS = "librados.so.2";
    public static final String LIBRBD = "librbd.so.1";

    private CephLibraries()
    {
    }

    /** Loads a library for the life of the process (librbd keeps threads of its own: it is never unloaded). */
    static SymbolLookup load(final String library)
    {
        try
        {
            return SymbolLookup.libraryLookup(library, Arena.global());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UnsatisfiedLinkError(library + " cannot be loaded (" + ex.getMessage() +
                "): install Debian's librbd1 (apt-get install librbd1), which brings librados2");
        }
    }

    /**
     * @return null when both libraries load, else why not (and what to install): for a clear error at start instead
     *         of an {@link ExceptionInInitializerError} from the bindings.
     */
    public static String unavailableReason()
    {
        try
        {
            load(LIBRADOS);
            load(LIBRBD);
            return null;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return ex.getMessage();
        }
    }
}
