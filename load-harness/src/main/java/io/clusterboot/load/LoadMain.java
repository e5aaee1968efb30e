package io.clusterboot.load;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Command line entry point that runs a {@link LoadRun} and prints its {@link LoadReport},
 * for benchmark scripts; on Ctrl-C it stops the run and prints what it has.
 *
 * @since 0.1.0
 */
public final class LoadMain {

	static final String USAGE = """
			Usage: java -jar load-harness.jar --url URL [options]
			  --url URL                http:// URL on 127.0.0.1, [::1] or localhost
			  --mode MODE              keep-alive (default) or new-connection
			  --connections N          concurrent connections (default 8)
			  --duration DURATION      how long to run, e.g. 500ms, 10s, 2m, PT1M
			                           (default 10s unless --requests is given)
			  --requests N             stop after N requests
			  --connect-timeout DURATION  (default 2s)
			  --read-timeout DURATION  (default 10s)
			  --pause DURATION         pause of each connection between requests (default 0)
			  --header 'NAME: VALUE'   extra request header, may be repeated
			  --format FORMAT          text (default) or tsv
			  --help                   print this message
			""";

	private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

	private final PrintStream out;

	private final PrintStream err;

	private final Object printLock = new Object();

	private boolean printed;

	LoadMain(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/**
	 * Run load as the arguments say and print the report.
	 * @param args the command line arguments, see {@code --help}
	 */
	public static void main(String[] args) {
		int status = new LoadMain(System.out, System.err).run(args);
		System.out.flush();
		if (status != 0) {
			System.exit(status);
		}
	}

	/**
	 * Run load as the arguments say and print the report.
	 * @param args the command line arguments
	 * @return the exit status: 0 once a report is printed, 2 for invalid arguments
	 */
	int run(String[] args) {
		LoadRun.Builder builder;
		boolean tsv;
		try {
			Options options = Options.parse(args);
			if (options.help) {
				this.out.print(USAGE);
				return 0;
			}
			builder = options.builder();
			tsv = options.tsv;
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			this.err.println(ex.getMessage());
			this.err.print(USAGE);
			return 2;
		}
		LoadRun run = builder.start();
		Thread shutdownHook = new Thread(() -> print(run.stop(), tsv), "load-harness-shutdown");
		Runtime.getRuntime().addShutdownHook(shutdownHook);
		try {
			print(run.await(), tsv);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			print(run.stop(), tsv);
		}
		try {
			Runtime.getRuntime().removeShutdownHook(shutdownHook);
		}
		catch (IllegalStateException ex) {
			// Shutting down already: the hook prints nothing more
		}
		return 0;
	}

	private void print(LoadReport report, boolean tsv) {
		synchronized (this.printLock) {
			if (!this.printed) {
				this.out.print(tsv ? report.formatTsv() : report.format());
				this.out.flush();
				this.printed = true;
			}
		}
	}

	static Duration parseDuration(String option, String text) {
		Matcher matcher = SIMPLE_DURATION.matcher(text);
		try {
			if (matcher.matches()) {
				long amount = Long.parseLong(matcher.group(1));
				return switch (matcher.group(2)) {
					case "ms" -> Duration.ofMillis(amount);
					case "s" -> Duration.ofSeconds(amount);
					case "m" -> Duration.ofMinutes(amount);
					default -> Duration.ofHours(amount);
				};
			}
			return Duration.parse(text);
		}
		catch (ArithmeticException | NumberFormatException | DateTimeParseException ex) {
			throw new IllegalArgumentException(option + " takes a duration such as 500ms, 10s, 2m or PT1M, not '"
					+ text + "'");
		}
	}

	/**
	 * Parsed command line options.
	 */
	private static final class Options {

		private @Nullable URI url;

		private LoadMode mode = LoadMode.KEEP_ALIVE;

		private int connections = 8;

		private @Nullable Duration duration;

		private long requests;

		private @Nullable Duration connectTimeout;

		private @Nullable Duration readTimeout;

		private @Nullable Duration pause;

		private final List<String[]> headers = new ArrayList<>();

		private boolean tsv;

		private boolean help;

		static Options parse(String[] args) {
			Options options = new Options();
			for (int i = 0; i < args.length; i++) {
				String option = args[i];
				if (option.equals("--help") || option.equals("-h")) {
					options.help = true;
					continue;
				}
				if (i + 1 == args.length) {
					throw new IllegalArgumentException((option.startsWith("--") ? option + " needs a value"
							: "Unexpected argument '" + option + "'"));
				}
				String value = args[++i];
				switch (option) {
					case "--url" -> options.url = parseUrl(value);
					case "--mode" -> options.mode = parseMode(value);
					case "--connections" -> options.connections = (int) parseCount(option, value, 10_000);
					case "--duration" -> options.duration = parseDuration(option, value);
					case "--requests" -> options.requests = parseCount(option, value, Long.MAX_VALUE);
					case "--connect-timeout" -> options.connectTimeout = parseDuration(option, value);
					case "--read-timeout" -> options.readTimeout = parseDuration(option, value);
					case "--pause" -> options.pause = parseDuration(option, value);
					case "--header" -> options.headers.add(parseHeader(value));
					case "--format" -> options.tsv = parseFormat(value);
					default -> throw new IllegalArgumentException("Unknown option '" + option + "'");
				}
			}
			return options;
		}

		LoadRun.Builder builder() {
			if (this.url == null) {
				throw new IllegalArgumentException("--url is required");
			}
			LoadRun.Builder builder = LoadRun.builder(this.url).mode(this.mode).connections(this.connections);
			if (this.requests > 0) {
				builder.maxRequests(this.requests);
			}
			if (this.duration != null) {
				builder.duration(this.duration);
			}
			else if (this.requests == 0) {
				builder.duration(Duration.ofSeconds(10));
			}
			if (this.connectTimeout != null) {
				builder.connectTimeout(this.connectTimeout);
			}
			if (this.readTimeout != null) {
				builder.readTimeout(this.readTimeout);
			}
			if (this.pause != null) {
				builder.pause(this.pause);
			}
			this.headers.forEach((header) -> builder.header(header[0], header[1]));
			return builder;
		}

		private static URI parseUrl(String value) {
			try {
				return new URI(value);
			}
			catch (URISyntaxException ex) {
				throw new IllegalArgumentException("--url is not a valid URL: " + ex.getMessage());
			}
		}

		private static LoadMode parseMode(String value) {
			return switch (value.toLowerCase(Locale.ROOT)) {
				case "keep-alive" -> LoadMode.KEEP_ALIVE;
				case "new-connection" -> LoadMode.NEW_CONNECTION;
				default -> throw new IllegalArgumentException(
						"--mode is keep-alive or new-connection, not '" + value + "'");
			};
		}

		private static long parseCount(String option, String value, long max) {
			try {
				long count = Long.parseLong(value);
				if (count >= 1 && count <= max) {
					return count;
				}
			}
			catch (NumberFormatException ex) {
				// Reported below
			}
			throw new IllegalArgumentException(option + " takes a number from 1 to " + max + ", not '" + value + "'");
		}

		private static String[] parseHeader(String value) {
			int colon = value.indexOf(':');
			if (colon <= 0) {
				throw new IllegalArgumentException("--header takes 'NAME: VALUE', not '" + value + "'");
			}
			return new String[] { value.substring(0, colon).trim(), value.substring(colon + 1).trim() };
		}

		private static boolean parseFormat(String value) {
			return switch (value) {
				case "text" -> false;
				case "tsv" -> true;
				default -> throw new IllegalArgumentException("--format is text or tsv, not '" + value + "'");
			};
		}

	}

}
