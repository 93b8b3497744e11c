package org.tatami.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Every vector is of the machine's preferred species. On JDK 17 a second float species in the same
 * program (a 4-lane copy beside 8-lane products) makes the Vector API's shared methods see two vector
 * classes, and the JIT then leaves their operations as calls on boxed vectors: the convnet's epoch at 8
 * lanes took 117 s instead of 10 while every result stayed right, so no numeric test would notice.
 */
@AnalyzeClasses(packages = "org.tatami", importOptions = ImportOption.DoNotIncludeTests.class)
class VectorSpeciesTest {
    private static final String FLOAT_VECTOR = "jdk.incubator.vector.FloatVector";

    @ArchTest
    static final ArchRule ONLY_THE_PREFERRED_SPECIES = noClasses()
            .should().getField(FLOAT_VECTOR, "SPECIES_64")
            .orShould().getField(FLOAT_VECTOR, "SPECIES_128")
            .orShould().getField(FLOAT_VECTOR, "SPECIES_256")
            .orShould().getField(FLOAT_VECTOR, "SPECIES_512")
            .orShould().getField(FLOAT_VECTOR, "SPECIES_MAX")
            .because("a second species makes the JIT box the vectors of every kernel");
}
