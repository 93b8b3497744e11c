package org.tatami.spark;

import org.apache.spark.sql.SparkSession;

/** Spark sessions for tests, bound to 127.0.0.1, without the web UI; one per test class. */
final class SparkSessions {
    private SparkSessions() {
    }

    /**
     * Two task threads in this JVM; a task may fail up to 4 times (a local master's default is once, so
     * a retried task could not be tested).
     */
    static SparkSession local() {
        return builder("local[2,4]").getOrCreate();
    }

    /**
     * A master and a worker in this JVM and two executor JVMs of 1 core and 1 GB each. The executors run
     * on this JVM's class path (surefire's: the module's classes and its dependencies' jars), as no Spark
     * distribution is installed.
     */
    static SparkSession localCluster() {
        return builder("local-cluster[2,1,1024]")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector")
                .config("spark.executor.memory", "1024m")
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .config("spark.executorEnv.SPARK_TESTING", "1")
                .getOrCreate();
    }

    private static SparkSession.Builder builder(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("tatami-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2");
    }
}
