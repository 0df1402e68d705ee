package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * engine.tcpCongestionControl: left out, the host's; a name is written as given, checked for its shape wherever the
 * file is, and against this host's algorithms when the machine is checked (as serve does).
 */
class TcpCongestionControlConfigTest
{
    private static RingtargetConfig file(final String engineFields) throws ConfigException
    {
        return ConfigFiles.parse("{\"engine\": {" + engineFields + "}}", "e.json");
    }

    @Test
    void leftOutItIsTheHostsAndSetItIsSavedAsGiven() throws ConfigException
    {
        assertNull(file("").engine().tcpCongestionControl());
        assertTrue(!ConfigFiles.toJson(file("")).contains("tcpCongestionControl"));
        final RingtargetConfig reno = file("\"tcpCongestionControl\": \"reno\"");
        assertEquals("reno", reno.engine().tcpCongestionControl());
        assertEquals(reno, ConfigFiles.parse(ConfigFiles.toJson(reno), "again.json"));
        // reno is built into every kernel: fine on this host too.
        assertEquals(List.of(), ConfigValidator.validate(reno, true));
    }

    @Test
    void aNameOfAnotherShapeIsRefusedAndOneThisHostLacksWhenTheHostIsChecked() throws ConfigException
    {
        final List<ConfigProblem> shape = ConfigValidator.validate(file("\"tcpCongestionControl\": \"Cubic!\""));
        assertEquals("engine.tcpCongestionControl", shape.getFirst().path(), shape.toString());

        final RingtargetConfig missing = file("\"tcpCongestionControl\": \"nosuchcc\"");
        assertEquals(List.of(), ConfigValidator.validate(missing, false), "a file checked for another machine");
        final List<ConfigProblem> here = ConfigValidator.validate(missing, true);
        assertEquals(1, here.size(), here.toString());
        assertEquals("engine.tcpCongestionControl", here.getFirst().path());
        assertTrue(here.getFirst().toString().contains("\"nosuchcc\" is not a TCP congestion control of this host " +
            "(available: "), here.toString());
        assertTrue(here.getFirst().toString().contains("reno"), "the list names what there is: " + here);
    }
}
