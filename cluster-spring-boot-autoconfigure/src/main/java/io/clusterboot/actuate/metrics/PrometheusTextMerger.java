package io.clusterboot.actuate.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Merges the Prometheus text (0.0.4) or OpenMetrics expositions of several workers into
 * one valid exposition: every metric family appears once, with its {@code # HELP},
 * {@code # TYPE} and {@code # UNIT} lines, followed by the samples of all workers (which
 * their {@code worker} label keeps apart).
 *
 * @since 0.1.0
 */
final class PrometheusTextMerger {

	private static final String EOF = "# EOF";

	private static final String TYPE_CONFLICT = "cluster_scrape_type_conflict";

	private static final String TYPE_CONFLICT_HELP = "Families whose samples from a worker were left out, "
			+ "as it gives them another type";

	private final Map<String, Family> families = new LinkedHashMap<>();

	private final Set<String> typeConflicts = new LinkedHashSet<>();

	private boolean openMetrics;

	/**
	 * Add one exposition. Where expositions disagree, the first one added wins: a family
	 * keeps the description and type it has there, and of several samples of one series
	 * (a sample name and a label set, in any order) only the first is kept. The samples
	 * of a family that a later exposition gives another type are left out, and shown as
	 * {@code cluster_scrape_type_conflict{family="x",worker="n"} 1}.
	 * @param exposition the text of one worker's scrape
	 * @param worker the worker it comes from, as its {@code worker} label reads
	 * @param keep which families to take from it, by name
	 * @return this merger
	 */
	public PrometheusTextMerger add(String exposition, String worker, Predicate<String> keep) {
		return add(new Exposition(exposition), worker, keep);
	}

	/**
	 * Add a family of this merger's own. Like a worker's, its samples are left out if the
	 * family was added with another type.
	 * @param name the family name
	 * @param help its description, escaped here for the format of the expositions added
	 * before
	 * @param type its type ({@code gauge}, {@code counter})
	 * @param samples its sample lines
	 * @return this merger
	 */
	public PrometheusTextMerger add(String name, String help, String type, List<String> samples) {
		StringBuilder exposition = new StringBuilder();
		// The 0.0.4 format has no escaped quote: a backslash before one would show
		exposition.append("# HELP ").append(name).append(' ').append(escape(help, this.openMetrics)).append('\n');
		exposition.append("# TYPE ").append(name).append(' ').append(type).append('\n');
		samples.forEach((sample) -> exposition.append(sample).append('\n'));
		return add(new Exposition(exposition.toString()), null, (family) -> true);
	}

	private PrometheusTextMerger add(Exposition exposition, @Nullable String worker, Predicate<String> keep) {
		this.openMetrics |= exposition.openMetrics;
		for (Family family : exposition.families.values()) {
			if (keep.test(family.name)) {
				add(family, worker);
			}
		}
		return this;
	}

	private void add(Family family, @Nullable String worker) {
		Family merged = this.families.putIfAbsent(family.name, family);
		if (merged == null) {
			return;
		}
		if (Objects.equals(merged.type, family.type)) {
			family.samples.forEach(merged.samples::putIfAbsent);
		}
		else {
			String labels = "family=\"" + escape(family.name, true) + "\"";
			this.typeConflicts.add((worker != null) ? labels + ",worker=\"" + escape(worker, true) + "\"" : labels);
		}
	}

	/**
	 * The merged exposition.
	 * @return the text, ending with {@code # EOF} if the expositions were OpenMetrics
	 */
	public String merge() {
		StringBuilder merged = new StringBuilder();
		for (Family family : this.families.values()) {
			family.metadata.values().forEach((line) -> merged.append(line).append('\n'));
			family.samples.values().forEach((line) -> merged.append(line).append('\n'));
		}
		if (!this.typeConflicts.isEmpty()) {
			merged.append("# HELP " + TYPE_CONFLICT + " " + TYPE_CONFLICT_HELP + "\n");
			merged.append("# TYPE " + TYPE_CONFLICT + " gauge\n");
			this.typeConflicts.forEach((labels) -> merged.append(TYPE_CONFLICT + "{" + labels + "} 1\n"));
		}
		if (this.openMetrics) {
			merged.append(EOF).append('\n');
		}
		return merged.toString();
	}

	private static String escape(String text, boolean quotes) {
		String escaped = text.replace("\\", "\\\\").replace("\n", "\\n");
		return quotes ? escaped.replace("\"", "\\\"") : escaped;
	}

	/**
	 * The families of one exposition, each with its metadata lines and its samples by
	 * series.
	 */
	private static final class Exposition {

		private final Map<String, Family> families = new LinkedHashMap<>();

		private boolean openMetrics;

		Exposition(String text) {
			Family current = null;
			for (String line : text.split("\n")) {
				if (line.equals(EOF)) {
					this.openMetrics = true;
					break;
				}
				if (line.startsWith("#")) {
					String[] words = line.split(" ", 4);
					if (words.length >= 3 && Family.METADATA.contains(words[1])) {
						current = this.families.computeIfAbsent(words[2], Family::new);
						current.metadata(words, line);
					}
				}
				else if (!line.isBlank()) {
					int nameEnd = nameEnd(line);
					String name = line.substring(0, nameEnd);
					if (current == null || !current.hasSample(name)) {
						current = this.families.computeIfAbsent(name, Family::new);
					}
					current.samples.putIfAbsent(series(line, nameEnd), line);
				}
			}
		}

		private static int nameEnd(String line) {
			int end = 0;
			while (end < line.length() && line.charAt(end) != '{' && !Character.isWhitespace(line.charAt(end))) {
				end++;
			}
			return end;
		}

		/**
		 * The series a sample is of: its name and its labels, sorted so that their order
		 * does not matter. Label values stay escaped, as each has only one escaped form.
		 */
		private static String series(String line, int nameEnd) {
			if (nameEnd == line.length() || line.charAt(nameEnd) != '{') {
				return line.substring(0, nameEnd);
			}
			List<String> labels = new ArrayList<>();
			int at = skipSpaces(line, nameEnd + 1);
			while (at < line.length() && line.charAt(at) != '}') {
				int equals = line.indexOf('=', at);
				int open = (equals != -1) ? skipSpaces(line, equals + 1) : line.length();
				if (open == line.length() || line.charAt(open) != '"') {
					return line;
				}
				int close = open + 1;
				while (close < line.length() && line.charAt(close) != '"') {
					close += (line.charAt(close) == '\\') ? 2 : 1;
				}
				if (close >= line.length()) {
					return line;
				}
				labels.add(line.substring(at, equals).strip() + "=" + line.substring(open, close + 1));
				at = skipSpaces(line, close + 1);
				if (at < line.length() && line.charAt(at) == ',') {
					at = skipSpaces(line, at + 1);
				}
			}
			Collections.sort(labels);
			return line.substring(0, nameEnd) + labels;
		}

		private static int skipSpaces(String line, int from) {
			int at = from;
			while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
				at++;
			}
			return at;
		}

	}

	/**
	 * A metric family: its metadata lines by keyword, and its sample lines by series.
	 */
	private static final class Family {

		private static final List<String> METADATA = List.of("HELP", "TYPE", "UNIT");

		private static final Map<String, List<String>> SAMPLE_SUFFIXES = Map.of("counter",
				List.of("_total", "_created"), "histogram", List.of("_bucket", "_count", "_sum", "_created"),
				"gaugehistogram", List.of("_bucket", "_gcount", "_gsum"), "summary",
				List.of("_count", "_sum", "_created"), "info", List.of("_info"));

		private final String name;

		private final Map<String, String> metadata = new LinkedHashMap<>();

		private final Map<String, String> samples = new LinkedHashMap<>();

		private @Nullable String type;

		Family(String name) {
			this.name = name;
		}

		void metadata(String[] words, String line) {
			if (this.metadata.putIfAbsent(words[1], line) == null && words[1].equals("TYPE") && words.length == 4) {
				this.type = words[3].strip();
			}
		}

		/**
		 * Whether a sample of this name belongs to this family, such as
		 * {@code x_bucket} to a histogram {@code x}.
		 */
		boolean hasSample(String sampleName) {
			if (sampleName.equals(this.name)) {
				return true;
			}
			if (this.type == null || !sampleName.startsWith(this.name)) {
				return false;
			}
			String suffix = sampleName.substring(this.name.length());
			return SAMPLE_SUFFIXES.getOrDefault(this.type, List.of()).contains(suffix);
		}

	}

}
