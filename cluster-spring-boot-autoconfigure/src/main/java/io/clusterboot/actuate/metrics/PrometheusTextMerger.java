package io.clusterboot.actuate.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Merges the Prometheus text (0.0.4) or OpenMetrics expositions of several workers into
 * one valid exposition: every metric family appears once, with its {@code # HELP} and
 * {@code # TYPE} lines, followed by the samples of all workers (which their
 * {@code worker} label keeps apart).
 *
 * @since 0.1.0
 */
public final class PrometheusTextMerger {

	private static final String EOF = "# EOF";

	private final Map<String, Family> families = new LinkedHashMap<>();

	private boolean openMetrics;

	/**
	 * Add one exposition.
	 * @param exposition the text of one worker's scrape
	 * @param keep which families to take from it, by name
	 * @return this merger
	 */
	public PrometheusTextMerger add(String exposition, Predicate<String> keep) {
		Family current = null;
		for (String line : exposition.split("\n")) {
			if (line.isEmpty()) {
				continue;
			}
			if (line.equals(EOF)) {
				this.openMetrics = true;
				continue;
			}
			if (line.startsWith("# ")) {
				String name = familyName(line);
				if (name == null) {
					continue;
				}
				if (current == null || !current.name.equals(name)) {
					current = keep.test(name) ? this.families.computeIfAbsent(name, Family::new) : null;
					if (current != null) {
						current.startSource();
					}
				}
				if (current != null) {
					current.header(line);
				}
			}
			else if (current != null) {
				current.samples.add(line);
			}
		}
		return this;
	}

	/**
	 * Add a family of this merger's own.
	 * @param name the family name
	 * @param help its description
	 * @param type its type ({@code gauge}, {@code counter})
	 * @param samples its sample lines
	 * @return this merger
	 */
	public PrometheusTextMerger add(String name, String help, String type, List<String> samples) {
		Family family = this.families.computeIfAbsent(name, Family::new);
		family.startSource();
		family.header("# HELP " + name + " " + help);
		family.header("# TYPE " + name + " " + type);
		family.samples.addAll(samples);
		return this;
	}

	/**
	 * The merged exposition.
	 * @return the text, ending with {@code # EOF} if the expositions were OpenMetrics
	 */
	public String merge() {
		StringBuilder merged = new StringBuilder();
		for (Family family : this.families.values()) {
			family.headers.forEach((line) -> merged.append(line).append('\n'));
			family.samples.forEach((line) -> merged.append(line).append('\n'));
		}
		if (this.openMetrics) {
			merged.append(EOF).append('\n');
		}
		return merged.toString();
	}

	/**
	 * The family a comment line introduces: {@code # HELP name ...}, {@code # TYPE name
	 * ...} or {@code # UNIT name ...}.
	 */
	private static String familyName(String line) {
		String[] words = line.split(" ", 4);
		if (words.length < 3 || !(words[1].equals("HELP") || words[1].equals("TYPE") || words[1].equals("UNIT"))) {
			return null;
		}
		return words[2];
	}

	private static final class Family {

		private final String name;

		private final List<String> headers = new ArrayList<>();

		private final List<String> samples = new ArrayList<>();

		private int sources;

		Family(String name) {
			this.name = name;
		}

		void startSource() {
			this.sources++;
		}

		void header(String line) {
			// Every worker describes the family the same way; the first description is kept
			if (this.sources == 1) {
				this.headers.add(line);
			}
		}

	}

}
