package io.ringtarget.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The architecture as rules over the compiled production classes of every module (the server module sees them
 * all): the layers of the modules, and no dependency cycle between any two packages.
 */
class ArchitectureTest
{
    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.ringtarget");

    @Test
    void modulesAreLayered()
    {
        // Bottom to top: ffi <- ring <- pdu; scsi knows no transport; backstores serve scsi on rings; the iSCSI
        // protocol uses all of them; the server (config, start-up, CLI) sits on top and nothing uses it.
        layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("ffi").definedBy("io.ringtarget.ffi..")
            .layer("ring").definedBy("io.ringtarget.ring..")
            .layer("pdu").definedBy("io.ringtarget.pdu..")
            .layer("scsi").definedBy("io.ringtarget.scsi..")
            .layer("backstore").definedBy("io.ringtarget.backstore..")
            .layer("iscsi").definedBy("io.ringtarget.iscsi..")
            .layer("server").definedBy("io.ringtarget.server..")
            .whereLayer("server").mayNotBeAccessedByAnyLayer()
            .whereLayer("iscsi").mayOnlyBeAccessedByLayers("server")
            .whereLayer("backstore").mayOnlyBeAccessedByLayers("iscsi", "server")
            .whereLayer("scsi").mayOnlyBeAccessedByLayers("backstore", "iscsi", "server")
            .whereLayer("pdu").mayOnlyBeAccessedByLayers("iscsi", "server")
            .whereLayer("ring").mayOnlyBeAccessedByLayers("pdu", "backstore", "iscsi", "server")
            .whereLayer("ffi").mayOnlyBeAccessedByLayers("ring", "pdu", "backstore", "iscsi", "server")
            .check(CLASSES);
    }

    @Test
    void scsiCoreKnowsNoTransport()
    {
        noClasses().that().resideInAPackage("io.ringtarget.scsi..")
            .should().dependOnClassesThat().resideInAnyPackage(
                "io.ringtarget.iscsi..", "io.ringtarget.pdu..", "io.ringtarget.server..", "io.ringtarget.ring..",
                "io.ringtarget.ffi..", "io.ringtarget.backstore..")
            .check(CLASSES);
    }

    @Test
    void iscsiNeverImportsTheServer()
    {
        noClasses().that().resideInAPackage("io.ringtarget.iscsi..")
            .should().dependOnClassesThat().resideInAPackage("io.ringtarget.server..")
            .check(CLASSES);
    }

    @Test
    void noPackageCycles()
    {
        slices().matching("io.ringtarget.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
