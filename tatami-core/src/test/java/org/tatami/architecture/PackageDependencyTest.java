package org.tatami.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Packages stay downhill: no package imports one that imports it back, and the engine's packages
 * depend only on those below them: tensor, kernels, activation, initializer, regularizer and constraint
 * functions, config
 * checking, layers, models (which hold model files); file formats ({@code io}) below models.
 */
@AnalyzeClasses(packages = "org.tatami", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependencyTest {
    @ArchTest
    static final ArchRule NO_CYCLES = slices().matching("org.tatami.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule DOWNHILL = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("tensor").definedBy("org.tatami.tensor..")
            .layer("kernels").definedBy("org.tatami.kernels..")
            .layer("functions").definedBy("org.tatami.activations..", "org.tatami.initializers..",
                    "org.tatami.regularizers..", "org.tatami.constraints..")
            .layer("config").definedBy("org.tatami.config..")
            .layer("layers").definedBy("org.tatami.layers..")
            .layer("io").definedBy("org.tatami.io..")
            .layer("models").definedBy("org.tatami.models..")
            .whereLayer("models").mayNotBeAccessedByAnyLayer()
            .whereLayer("layers").mayOnlyBeAccessedByLayers("models")
            .whereLayer("io").mayOnlyBeAccessedByLayers("models")
            .whereLayer("config").mayOnlyBeAccessedByLayers("layers", "models")
            .whereLayer("functions").mayOnlyBeAccessedByLayers("config", "layers", "models")
            .whereLayer("kernels").mayOnlyBeAccessedByLayers("functions", "layers", "models")
            .whereLayer("tensor").mayOnlyBeAccessedByLayers("kernels", "functions", "config", "layers", "io",
                    "models");
}
