package org.tatami.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tatami.data.Mnist;
import org.tatami.models.FitOptions;
import org.tatami.models.Sequential;

/**
 * The web page in a real browser: a 7 drawn with pointer events is read as 7, an uploaded PNG is read, the
 * feature maps of every layer open, and the model's page shows its summary and diagram.
 */
class PageBrowserTest {
    @TempDir
    static Path dir;
    static ModelServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        // The seed's CNN, trained briefly on MNIST: it reads clear digits.
        Sequential model = Servers.compiledSeedModel();
        Mnist.Data data = Mnist.load();
        model.fit(Servers.images(data.train(), 60000), data.train().labels(), new FitOptions().batchSize(128)
                .epochs(2).verbose(0));
        Path file = dir.resolve("seed.tatami");
        model.save(file);
        server = ModelServer.start(List.of(new ModelSource("seed", file, null)), org.tatami.models.ModelFile::load,
                Servers::diagram, Servers.options(), new PrintWriter(new StringWriter()), false);
        browser = Browser.start(dir.resolve("profile"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private static void openPage() {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1200, 1000));
        browser.get(server.uri().toString());
        waiting().until(d -> !d.findElements(By.cssSelector("#model option")).isEmpty());
    }

    private static String top() {
        return browser.findElement(By.id("top")).getText();
    }

    /** A 7: a bar along the top, then a stroke down and to the left, with the mouse's pointer events. */
    private static void drawSeven() {
        WebElement pad = browser.findElement(By.id("pad"));
        Actions a = new Actions(browser).moveToElement(pad, -85, -90).clickAndHold();
        for (int i = 0; i < 8; i++) {
            a.moveByOffset(20, 0);
        }
        for (int i = 0; i < 10; i++) {
            a.moveByOffset(-10, 19);
        }
        a.release().perform();
    }

    @Test
    void aSevenDrawnWithThePointerIsReadAsSeven() throws Exception {
        openPage();
        browser.findElement(By.id("clear")).click();
        drawSeven();
        waiting().until(d -> top().equals("7"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#probabilities li"));
        assertEquals(10, rows.size());
        assertTrue(rows.get(7).getAttribute("class").contains("best"));
        Browser.screenshot(browser, "serve-draw", 1000, 760);
        Browser.screenshot(browser, "serve-phone", 390, 844);
    }

    @Test
    void anUploadedPngIsRead() {
        openPage();
        Path png = Path.of("../examples/digits/digit_4_240x200.png").toAbsolutePath().normalize();
        browser.findElement(By.id("upload")).sendKeys(png.toString());
        waiting().until(d -> top().equals("4"));
        assertTrue(browser.findElement(By.id("status")).getText().contains("digit_4_240x200.png")
                || browser.findElement(By.id("status")).getText().isEmpty());
    }

    @Test
    void featureMapsOfEveryLayer() throws Exception {
        openPage();
        browser.findElement(By.id("clear")).click();
        drawSeven();
        waiting().until(d -> top().equals("7"));
        browser.findElement(By.cssSelector("#maps summary")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#layers .layer")).size() == 6);
        // Read in one script: a late prediction of the drawing draws the maps again, which would leave
        // elements found one call earlier stale.
        List<?> layers = (List<?>) ((JavascriptExecutor) browser).executeScript(
                "const c = document.querySelector('#layers .layer canvas');"
                        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + "let m = 0; for (let i = 0; i < d.length; i += 4) m = Math.max(m, d[i]);"
                        + "return [m].concat([...document.querySelectorAll('#layers .layer')]"
                        + ".map(l => l.querySelectorAll('canvas').length + ' ' + l.textContent));");
        // input, conv2d (3 channels), max_pooling2d (3), flatten, dense, dense_1: as `tatami inspect` lists them.
        assertTrue(layers.get(1).toString().startsWith("1 "), layers.toString());
        assertTrue(layers.get(2).toString().startsWith("3 "), layers.toString());
        assertTrue(layers.get(2).toString().contains("conv2d"), layers.toString());
        assertTrue(layers.get(3).toString().startsWith("3 "), layers.toString());
        // The picture as the model sees it: digit white on black, so its brightest pixel is white.
        assertEquals(255, ((Number) layers.get(0)).intValue());
        ((JavascriptExecutor) browser).executeScript("document.getElementById('maps').scrollIntoView()");
        Browser.screenshot(browser, "serve-feature-maps", 1000, 900);
    }

    @Test
    void theModelPage() throws Exception {
        browser.get(server.uri().resolve("/model.html?name=seed").toString());
        waiting().until(d -> d.findElement(By.id("summary")).getText().contains("Total params: 51,840"));
        WebElement diagram = browser.findElement(By.id("diagram"));
        waiting().until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", diagram)));
        assertTrue(diagram.getAttribute("alt").contains("seed"));
    }

    @Test
    void drawingWithTheKeyboard() {
        openPage();
        WebElement pad = browser.findElement(By.id("pad"));
        pad.click();
        browser.findElement(By.id("clear")).click();
        pad.sendKeys(org.openqa.selenium.Keys.ESCAPE);
        Actions a = new Actions(browser);
        // A 1: pen down, then straight down.
        a.sendKeys(pad, org.openqa.selenium.Keys.ARROW_UP, org.openqa.selenium.Keys.ARROW_UP,
                org.openqa.selenium.Keys.ARROW_UP, org.openqa.selenium.Keys.ARROW_UP, org.openqa.selenium.Keys.ARROW_UP,
                org.openqa.selenium.Keys.ARROW_UP, " ");
        for (int i = 0; i < 12; i++) {
            a.sendKeys(org.openqa.selenium.Keys.ARROW_DOWN);
        }
        a.sendKeys(" ").perform();
        waiting().until(d -> top().equals("1"));
    }
}
