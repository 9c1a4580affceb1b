package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.kafkaedge.testkit.KafkaFixture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The map page in real headless Chromium (Debian's chromium + chromedriver), fed by a real
 * broker: markers, popup with values and chart, a sensor losing readings flagged with its
 * completeness, live update over SSE without reload, site filter, the offline basemap because the
 * tile server is unreachable; hostile sensor ids and sites shown as text with no script run; and
 * no Content-Security-Policy violation on the way.
 */
@SuppressWarnings("removal") // Metrics.globalRegistry(), as Main uses it
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    private static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

    /** id, site, latitude, longitude, temperature, minutes since the last window (10 = stale). */
    private static final List<Object[]> SENSORS = List.of(
            new Object[] {"prague-balcony", "prague", 50.0755, 14.4378, 21.0, 1},
            new Object[] {"prague-garden", "prague", 50.1200, 14.5300, 17.5, 1},
            new Object[] {"prague-office", "prague", 50.0300, 14.3000, 24.0, 1},
            new Object[] {"brno-roof", "brno", 49.1951, 16.6068, 8.5, 1},
            new Object[] {"brno-cellar", "brno", 49.2100, 16.5800, 12.0, 10},
            new Object[] {"vienna-yard", "vienna", 48.2082, 16.3738, 3.0, 1});

    /** The sensor whose last window lost a quarter of its readings. */
    private static final String LOSSY = "vienna-yard";

    private static KafkaFixture kafka;
    private static KafkaProducer<String, String> producer;
    private static Frontend frontend;
    private static WebServer server;
    private static ChromeDriverService driverService;
    private static ChromeDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws IOException {
        kafka = KafkaFixture.start();
        kafka.createTopics(1, List.of("prague.sensor-data-aggregated", "brno.sensor-data-aggregated",
                "vienna.sensor-data-aggregated"));
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
        for (Object[] s : SENSORS) {
            int ago = (Integer) s[5];
            for (int i = 60; i >= 0; i--) {
                Instant start = NOW.minus(Duration.ofMinutes(ago + 1 + i));
                double t = (Double) s[4] + 1.5 * Math.sin(i / 9.0) + (i == 0 ? 0 : 0.01 * i);
                if (i == 0) {
                    t = (Double) s[4];
                }
                if (s[0].equals(LOSSY) && i == 0) {
                    // Its last window: 45 readings arrived, 15 known lost, 4 resends dropped at the edge.
                    send((String) s[0], (String) s[1], start, t, (Double) s[2], (Double) s[3], 45, 4, 15);
                } else {
                    send((String) s[0], (String) s[1], start, t, (Double) s[2], (Double) s[3]);
                }
            }
        }
        producer.flush();

        frontend = Frontend.create(Fixtures.config(Map.of(
                        "kafka.bootstrap", kafka.bootstrapServers(),
                        "kafka.group", "frontend-browser-test",
                        // Nothing listens on port 9 (discard): tiles fail like on an offline HQ.
                        "map.tiles", "http://127.0.0.1:9/{z}/{x}/{y}.png")),
                java.time.Clock.systemUTC(), Metrics.globalRegistry(), Map.of());
        server = Main.features(WebServer.builder().port(0), frontend)
                .routing(routing -> Main.routing(routing, frontend))
                .build()
                .start();
        frontend.start();

        profile = Files.createTempDirectory("chromium-profile");
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=1280,800", "--user-data-dir=" + profile);
        browser = new ChromeDriver(driverService, options);
        // Before any page script runs: record every CSP violation and a sentinel hostile markup would set.
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__cspViolations = [];"
                        + "document.addEventListener('securitypolicyviolation', function (e) {"
                        + "  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });"));
    }

    private static void send(String id, String site, Instant start, double temperature, double lat, double lon) {
        sendJson(site + ".sensor-data-aggregated", id, start, Fixtures.aggregateJson(id, site, start, temperature, lat, lon));
    }

    private static void send(String id, String site, Instant start, double temperature, double lat, double lon,
                             long count, long duplicates, long missing) {
        sendJson(site + ".sensor-data-aggregated", id, start,
                Fixtures.aggregateJson(id, site, start, temperature, lat, lon, count, duplicates, missing));
    }

    private static void sendJson(String topic, String key, Instant start, String json) {
        producer.send(new ProducerRecord<>(topic, null, start.plusSeconds(60).toEpochMilli(), key, json));
    }

    @SuppressWarnings("unchecked")
    private List<String> cspViolations() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return window.__cspViolations || [];");
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (frontend != null) {
            frontend.close();
        }
        if (server != null) {
            server.stop();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Waits up to 20 s; an element the page re-rendered meanwhile (a live update) is looked up again. */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private int count(String css) {
        return browser.findElements(By.cssSelector(css)).size();
    }

    @Test
    @Order(1)
    void mapShowsSensorsPopupsLiveUpdatesAndTheOfflineBasemap() throws IOException {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> frontend.store().size() == 6);
        browser.get("http://localhost:" + server.port() + "/");
        waiting().until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        JavascriptExecutor js = browser;
        js.executeScript("window.__pageId = 'first-load';");

        // A marker per sensor; the silent one is greyed out as stale.
        waiting().until(d -> count("path.sensor-marker") == 6);
        assertThat(count("path.sensor-marker.stale")).isEqualTo(1);
        assertThat(browser.findElement(By.cssSelector("path.stale")).getDomAttribute("data-sensor")).isEqualTo("brno-cellar");
        assertThat(browser.findElement(By.id("sensor-count")).getText()).isEqualTo("6 sensors");
        assertThat(browser.findElement(By.id("stale-count")).getText()).isEqualTo("1 stale");

        // The sensor losing readings is ringed, counted and explained in the legend.
        assertThat(browser.findElements(By.cssSelector("path.sensor-marker.incomplete")).stream()
                .map(e -> e.getDomAttribute("data-sensor")).toList()).containsExactly(LOSSY);
        assertThat(browser.findElement(By.cssSelector("path[data-sensor='" + LOSSY + "']"))
                .getDomAttribute("data-completeness")).isEqualTo("0.750");
        assertThat(browser.findElement(By.cssSelector("path[data-sensor='" + LOSSY + "']")).getDomAttribute("stroke"))
                .isEqualTo("#e4572e");
        assertThat(browser.findElement(By.id("loss-count")).getText()).isEqualTo("1 losing data");
        assertThat(browser.findElement(By.cssSelector(".legend-loss")).getText()).contains("below 95.0 % complete");

        // Tiles cannot load here: the Natural Earth outlines are drawn instead.
        waiting().until(d -> "offline".equals(d.findElement(By.tagName("body")).getDomAttribute("data-basemap")));
        waiting().until(d -> count("path.country") > 100);
        assertThat(browser.findElement(By.id("basemap-status")).getText()).isEqualTo("offline basemap");

        // Clicking a marker opens a popup with its values and a history chart.
        // (A click that lands while the map is still settling is lost: click again until it opens.)
        WebElement popup = waiting().until(d -> {
            var open = d.findElements(By.cssSelector(".leaflet-popup-content .popup[data-sensor='prague-balcony']"));
            if (!open.isEmpty()) {
                return open.get(0);
            }
            new Actions(d).moveToElement(d.findElement(By.cssSelector("path[data-sensor='prague-balcony']"))).click().perform();
            return null;
        });
        waiting().until(d -> popup.findElement(By.tagName("h3")).getText().equals("prague-balcony")); // after the fade-in
        assertThat(popup.findElement(By.cssSelector("tr.value-temperature")).getText()).contains("21.0", "20.9", "21.1");
        assertThat(popup.findElement(By.cssSelector("tr.value-pressure")).getText()).contains("981.6");
        waiting().until(d -> count(".leaflet-popup-content .chart canvas") == 1);
        assertThat(popup.findElement(By.cssSelector(".completeness")).getText()).contains("100.0 % complete");

        // The lossy sensor's popup tells how complete its data is, and why it is flagged.
        // (Opened from script: the open popup may cover its marker.)
        js.executeScript("window.hqMap.markers.get(arguments[0]).openPopup();", LOSSY);
        WebElement lossy = waiting().until(d -> {
            var open = d.findElements(By.cssSelector(".leaflet-popup-content .popup[data-sensor='" + LOSSY + "']"));
            return open.isEmpty() ? null : open.get(0);
        });
        waiting().until(d -> lossy.findElement(By.cssSelector(".completeness.low")).getText().contains("75.0 % complete"));
        assertThat(lossy.findElement(By.cssSelector(".completeness")).getText())
                .contains("15 missing", "4 duplicates dropped", "over the history", "below 95.0 %");
        screenshot("frontend-map.png");

        // Back to the first popup for the live update.
        js.executeScript("window.hqMap.markers.get(arguments[0]).openPopup();", "prague-balcony");
        waiting().until(d -> count(".leaflet-popup-content .popup[data-sensor='prague-balcony']") == 1);

        // New aggregates reach the open page over SSE, without a reload.
        send("brno-lab", "brno", NOW, 30.5, 49.23, 16.62);
        send("prague-balcony", "prague", NOW, 26.0, 50.0755, 14.4378);
        producer.flush();
        waiting().until(d -> count("path.sensor-marker") == 7);
        waiting().until(d -> "26.0".equals(d.findElement(By.cssSelector("path[data-sensor='prague-balcony']"))
                .getDomAttribute("data-temperature")));
        waiting().until(d -> d.findElement(By.cssSelector(".leaflet-popup-content tr.value-temperature")).getText().contains("26.0"));
        assertThat(js.executeScript("return window.__pageId;")).isEqualTo("first-load");
        assertThat(browser.findElement(By.id("live-status")).getText()).isEqualTo("live");

        // The site filter shows one site's sensors only.
        new Select(browser.findElement(By.id("site-filter"))).selectByValue("brno");
        waiting().until(d -> count("path.sensor-marker") == 3);
        assertThat(browser.findElements(By.cssSelector("path.sensor-marker")).stream()
                .map(e -> e.getDomAttribute("data-site")).distinct().toList()).containsExactly("brno");
        new Select(browser.findElement(By.id("site-filter"))).selectByValue("");
        waiting().until(d -> count("path.sensor-marker") == 7);
        assertThat(cspViolations()).isEmpty();
    }

    /**
     * Sensor ids and sites with markup, quotes, newlines and non-ASCII (an old aggregator lets them
     * through): live over SSE and after a reload from /api/sensors they are shown as text, nothing
     * they contain runs, and the CSP (checked on the response) is there to block it if it did.
     */
    @Test
    @Order(2)
    void hostileIdsAndSitesAreShownAsTextAndNoScriptRuns() throws Exception {
        browser.get("http://localhost:" + server.port() + "/");
        waiting().until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        waiting().until(d -> "live".equals(d.findElement(By.tagName("body")).getDomAttribute("data-live")));
        String id = "<img src=x onerror=\"window.__pwned='id'\">\n'quoted' \"double\" Zürich 温度";
        String site = "\"><svg onload=window.__pwned='site'><b>evil</b>";
        sendJson("vienna.sensor-data-aggregated", "evil", NOW,
                Fixtures.uncheckedAggregateJson(id, site, NOW, 22.0, 47.3769, 8.5417));
        producer.flush();
        JavascriptExecutor js = browser;
        for (boolean reload : new boolean[] {false, true}) {
            if (reload) {
                browser.navigate().refresh();
                waiting().until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
            }
            waiting().until(d -> count("path.sensor-marker") == 8);
            WebElement marker = browser.findElements(By.cssSelector("path.sensor-marker")).stream()
                    .filter(e -> id.equals(e.getDomAttribute("data-sensor"))).findFirst().orElseThrow();
            assertThat(marker.getDomAttribute("data-site")).isEqualTo(site);
            assertThat(new Select(browser.findElement(By.id("site-filter"))).getOptions().stream()
                    .map(o -> o.getDomProperty("textContent")).toList()).contains(site);
            // The tooltip and the popup hold the id as text.
            new Actions(browser).moveToElement(marker).perform();
            waiting().until(d -> d.findElements(By.cssSelector(".leaflet-tooltip strong")).stream()
                    .anyMatch(e -> id.equals(e.getDomProperty("textContent"))));
            js.executeScript("window.hqMap.markers.get(arguments[0]).openPopup();", id);
            WebElement popup = waiting().until(d -> {
                var open = d.findElements(By.cssSelector(".leaflet-popup-content .popup h3"));
                return !open.isEmpty() && id.equals(open.get(0).getDomProperty("textContent"))
                        ? open.get(0).findElement(By.xpath("..")) : null;
            });
            assertThat(popup.findElement(By.cssSelector(".site")).getDomProperty("textContent")).startsWith("site " + site);
            // getText() is the visible text: "" until the popup has finished opening.
            waiting().until(d -> popup.findElement(By.cssSelector(".completeness")).getText().contains("completeness unknown"));
            waiting().until(d -> count(".leaflet-popup-content .chart canvas") == 1);
            // Nothing the strings contain became markup or ran.
            assertThat(js.executeScript("return window.__pwned;")).isNull();
            assertThat(js.executeScript("return document.querySelectorAll('img[src=\"x\"], svg[onload], b').length"))
                    .isEqualTo(0L);
            assertThat(cspViolations()).isEmpty();
            if (!reload) {
                screenshot("frontend-hostile.png");
            }
        }
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + server.port() + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline"));
        assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    private void screenshot(String name) throws IOException {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent().getParent();
        Path out = root.resolve("build/screenshots/" + name);
        Files.createDirectories(out.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
    }
}
