package dev.tend.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (nothing is downloaded): opens
 * the UI's pages, signs in, collects the browser console's errors and keeps screenshots under
 * {@code target/ui-screenshots}. One per test class; not thread-safe.
 */
public final class Chromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  static final Duration WAIT = Duration.ofSeconds(15);

  private final ChromeDriver driver;
  private final URI base;

  private Chromium(ChromeDriver driver, URI base) {
    this.driver = driver;
    this.base = base;
  }

  /** A new headless browser for the server at {@code base}. */
  public static Chromium launch(URI base) {
    assertThat(BROWSER).as("Debian's chromium package (run-tests installs it)").isExecutable();
    assertThat(DRIVER)
        .as("Debian's chromium-driver package (run-tests installs it)")
        .isExecutable();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Chromium(driver, base);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Opens {@code path} on the server and waits until the page and its charts are drawn. */
  public Chromium open(String path) {
    driver.get(base.resolve(path).toString());
    waitForCharts();
    return this;
  }

  /** Signs in with {@code token} through the sign-in form; lands on the start page. */
  public Chromium signIn(String token) {
    driver.get(base.resolve("/sign-in").toString());
    driver.findElement(By.id("token")).sendKeys(token);
    driver.findElement(By.id("sign-in-submit")).click();
    new WebDriverWait(driver, WAIT).until(d -> d.findElements(By.id("user")).size() == 1);
    return this;
  }

  /** The element matching {@code css}, waiting for it to appear. */
  public WebElement find(String css) {
    return new WebDriverWait(driver, WAIT).until(d -> d.findElement(By.cssSelector(css)));
  }

  /**
   * Clicks {@code element}, which loads another page (a link or a form), and waits until that page
   * has replaced this one and drawn its charts. Reading right after a bare click may still see the
   * old page, or an element of it that goes stale mid-read.
   */
  public Chromium follow(WebElement element) {
    return navigating(element::click);
  }

  /**
   * {@link #follow} for the element matching {@code css}; should the page reload on its own ({@code
   * data-refresh}) just before the click, clicks the reloaded page's element.
   */
  public Chromium follow(String css) {
    return navigating(() -> clickFresh(css));
  }

  /** Runs {@code action}, which loads another page, and waits until that page is drawn. */
  public Chromium navigating(Runnable action) {
    WebElement page = driver.findElement(By.tagName("html"));
    action.run();
    return awaitReplacing(page);
  }

  /**
   * The text of the element matching {@code css}, waiting for it to appear; read again when a
   * {@code data-refresh} page reloads mid-read.
   */
  public String text(String css) {
    return new WebDriverWait(driver, WAIT)
        .ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElement(By.cssSelector(css)).getText());
  }

  /**
   * Clicks the {@code data-confirm} button matching {@code css}, accepts the confirmation dialog it
   * opens and waits for the page its form loads.
   */
  public Chromium confirm(String css) {
    return navigating(
        () -> {
          clickFresh(css);
          new WebDriverWait(driver, WAIT).until(d -> d.switchTo().alert()).accept();
        });
  }

  private void clickFresh(String css) {
    new WebDriverWait(driver, WAIT)
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(By.cssSelector(css)).click();
              return true;
            });
  }

  private Chromium awaitReplacing(WebElement page) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.stalenessOf(page));
    waitForCharts();
    return this;
  }

  /**
   * Fetches {@code location} (a path on the server or a whole URL) outside the browser but with its
   * session cookie: for downloads, which headless Chromium would only save to disk.
   */
  public HttpResponse<byte[]> fetch(String location) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(location)).GET();
    Cookie session = driver.manage().getCookieNamed("tend_session");
    if (session != null) {
      request.header("Cookie", "tend_session=" + session.getValue());
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits until every chart on the page is drawn; returns the data points of each, in order. */
  public List<Integer> waitForCharts() {
    return new WebDriverWait(driver, WAIT)
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              List<WebElement> charts = d.findElements(By.cssSelector("[data-chart]"));
              if (!charts.stream().allMatch(e -> "true".equals(e.getDomAttribute("data-drawn")))) {
                return null;
              }
              return charts.stream()
                  .map(e -> Integer.parseInt(e.getDomAttribute("data-points")))
                  .toList();
            });
  }

  /**
   * The points drawn by the chart {@code css}, counted by ECharts itself from its live instance
   * (not from the server's option): proof that the chart rendered with data.
   */
  public long drawnPoints(String css) {
    waitForCharts();
    String script =
        "var el = document.querySelector(arguments[0]);"
            + "var chart = el && window.echarts && echarts.getInstanceByDom(el);"
            + "if (!chart) { return -1; }"
            + "var n = 0; chart.getOption().series.forEach(function (s) {"
            + "  (s.data || []).forEach(function (d) {"
            + "    var v = Array.isArray(d) ? d[d.length - 1] : d;"
            + "    if (v !== null && v !== undefined) { n++; } }); });"
            + "return n;";
    /* A data-refresh page may reload mid-script; count again on the reloaded page. */
    Number count =
        new WebDriverWait(driver, WAIT)
            .ignoring(JavascriptException.class)
            .until(
                d -> {
                  waitForCharts();
                  return (Number) driver.executeScript(script, css);
                });
    return count.longValue();
  }

  /** The browser console's errors since the last call (JavaScript errors, failed loads, CSP). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** Fails when the console shows any error since the last check. */
  public void assertNoConsoleErrors() {
    assertThat(consoleErrors()).as("console errors on %s", driver.getCurrentUrl()).isEmpty();
  }

  /** Keeps a screenshot of the current page as {@code target/ui-screenshots/NAME.png}. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
