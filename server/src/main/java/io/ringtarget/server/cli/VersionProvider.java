package io.ringtarget.server.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code -V}: the version and commit ({@link VersionInfo}) and the JVM that runs it. */
final class VersionProvider implements IVersionProvider
{
    @Override
    public String[] getVersion()
    {
        return new String[] {
            VersionInfo.line(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")" };
    }
}
