package org.tatami.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.tatami.Tatami;
import org.tatami.models.Model;

/**
 * The models loaded in one JVM (an executor's), by file digest: a model file is loaded once per JVM and
 * task slot, not once per task. A model's engine keeps buffers per model, so tasks running at the same
 * time each borrow an instance of their own; an instance goes back to the pool when its task ends. The
 * pool keeps the models of the few files used last.
 */
final class ExecutorModels {
    private static final int FILES_KEPT = 4;
    private static final Map<String, Deque<Model>> IDLE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Model>> eldest) {
            return size() > FILES_KEPT;
        }
    };

    private ExecutorModels() {
    }

    /** Runs {@code body} with an instance of the model of {@code file} that no other task uses meanwhile. */
    static <T> T withModel(ModelBytes file, Function<Model, T> body) {
        useTaskCores();
        Model model = borrow(file);
        try {
            return body.apply(model);
        } finally {
            giveBack(file, model);
        }
    }

    private static Model borrow(ModelBytes file) {
        synchronized (IDLE) {
            Deque<Model> idle = IDLE.get(file.digest());
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        return file.load();
    }

    private static void giveBack(ModelBytes file, Model model) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(file.digest(), k -> new ArrayDeque<>()).push(model);
        }
    }

    /**
     * On an executor of its own, tatami works on as many threads as Spark gives a task
     * ({@code spark.task.cpus}, 1 by default): Spark runs one task per core and counts on it. In local mode
     * the driver's JVM runs the tasks, and its setting is left alone.
     */
    private static void useTaskCores() {
        TaskContext task = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        if (task != null && env != null && !SparkContext$.MODULE$.DRIVER_IDENTIFIER().equals(env.executorId())
                && Tatami.threads() != task.cpus()) {
            Tatami.setThreads(task.cpus());
        }
    }
}
