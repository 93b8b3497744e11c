package org.tatami.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tatami.callbacks.Callback;
import org.tatami.data.Mnist;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.tensor.Tensor;

/**
 * The training dashboard updates while the training runs: the test holds the training after each epoch
 * until the browser has drawn it, so every update seen is one pushed during the run.
 */
class DashboardBrowserTest {
    @TempDir
    Path dir;

    private static final int EPOCHS = 3;

    @Test
    void theCurvesGrowEpochByEpochWhileTrainingRuns() throws Exception {
        Browser.assumeInstalled();
        Sequential model = Servers.compiledSeedModel();
        Mnist.Data data = Mnist.load();
        Tensor x = Servers.images(data.train(), 4096);
        Tensor xv = Servers.images(data.test(), 1024);
        Semaphore epochDrawn = new Semaphore(0);
        Callback holdAfterEachEpoch = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                try {
                    if (!epochDrawn.tryAcquire(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the page did not show epoch " + (epoch + 1));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        WebDriver browser = Browser.start(dir.resolve("profile"));
        try (TrainingDashboard dashboard = TrainingDashboard.start("127.0.0.1", 0, "runs/test")) {
            browser.get(dashboard.uri().toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(d -> d.findElement(By.id("run")).getText().equals("runs/test"));
            CompletableFuture<History> training = CompletableFuture.supplyAsync(() -> model.fit(x,
                    data.train().labels().slice(0, 4096), new FitOptions().batchSize(256).epochs(EPOCHS).verbose(0)
                            .validationData(xv, data.test().labels().slice(0, 1024))
                            .callbacks(dashboard, holdAfterEachEpoch)));
            for (int epoch = 1; epoch <= EPOCHS; epoch++) {
                int shown = epoch;
                wait.until(d -> d.findElements(By.cssSelector("#loss circle.loss")).size() == shown
                        && d.findElements(By.cssSelector("#accuracy circle.val_accuracy")).size() == shown);
                String progress = browser.findElement(By.id("progress-label")).getText();
                assertTrue(progress.startsWith("Epoch " + epoch + "/" + EPOCHS), progress);
                assertTrue(browser.findElement(By.id("figures")).getText().contains("val_accuracy"));
                if (epoch == 2) {
                    Browser.screenshot(browser, "serve-dashboard", 1000, 760);
                }
                assertTrue(!training.isDone(), "the page is updated while the training runs");
                epochDrawn.release();
            }
            History history = training.get(120, TimeUnit.SECONDS);
            wait.until(d -> d.findElement(By.id("state")).getText().startsWith("Finished: 3 epoch(s)"));
            assertEquals(EPOCHS, browser.findElements(By.cssSelector("#history tbody tr")).size());
            String lastRow = browser.findElement(By.cssSelector("#history tbody tr:last-child")).getText();
            assertTrue(lastRow.contains(String.format(java.util.Locale.ROOT, "%.4f",
                    history.get("val_accuracy").get(EPOCHS - 1))), lastRow);
        } finally {
            browser.quit();
        }
    }
}
