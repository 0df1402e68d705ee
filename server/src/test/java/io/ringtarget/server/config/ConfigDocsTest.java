package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples of docs/configuration.md are real: they parse, agree with each other and validate. */
class ConfigDocsTest
{
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    @Test
    void fullExampleAndItsShortFormAreTheSameValidConfiguration() throws IOException
    {
        final List<String> blocks = new ArrayList<>();
        final Matcher matcher = JSON_BLOCK.matcher(Files.readString(DOC));
        while (matcher.find())
        {
            blocks.add(matcher.group(1));
        }
        assertEquals(2, blocks.size(), "the full example and its short form");

        final RingtargetConfig full = ConfigFiles.parse(blocks.get(0), "full example");
        final RingtargetConfig shortForm = ConfigFiles.parse(blocks.get(1), "short example");

        assertEquals(List.of(), ConfigValidator.validate(full));
        assertEquals(ConfigFiles.toJson(full).strip(), blocks.get(0).strip(), "the full example is what save writes");
        final List<BackstoreConfig> withIds = new ArrayList<>();
        for (int i = 0; i < shortForm.backstores().size(); i++)
        {
            final BackstoreConfig b = shortForm.backstores().get(i);
            final BackstoreConfig ids = full.backstores().get(i);
            withIds.add(new BackstoreConfig(b.name(), b.type(), b.path(), b.sizeBytes(), b.blockSize(), b.directIo(),
                b.writeCache(), ids.serial(), ids.wwn()));
        }
        assertEquals(full, new RingtargetConfig(withIds, shortForm.targets(), shortForm.discoveryAuth(), shortForm.engine()));
        assertTrue(full.targets().getFirst().tpgs().getFirst().portals().size() == 2);
    }
}
