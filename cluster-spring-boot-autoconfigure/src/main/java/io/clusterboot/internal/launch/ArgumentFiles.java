package io.clusterboot.internal.launch;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The {@code java} launcher's argument files ({@code @file}), read as the launcher reads
 * them, so that the options in them are rewritten for each worker like those on the
 * command line. What IDEs and {@code jpackage} write for long class paths.
 * <p>
 * The syntax: arguments are separated by white space; a {@code #} outside quotes starts a
 * comment to the end of the line and drops the argument it interrupts (as the launcher of
 * JDK 17 does: {@code -Da=b#c} is no argument at all); single or double quotes enclose
 * white space and may open and close anywhere in an argument; inside them a backslash
 * escapes the next character ({@code \n}, {@code \r}, {@code \t}, {@code \f} and
 * otherwise the character itself) and, at the end of a line, joins the next line with its
 * leading white space left out. An argument file is not expanded inside another one,
 * {@code @@} stands for a literal {@code @}, {@code --disable-@files} stops the
 * expansion of what follows, and nothing after the launch target is expanded.
 */
final class ArgumentFiles {

	static final String DISABLE = "--disable-@files";

	private ArgumentFiles() {
	}

	/**
	 * Read an argument file.
	 * @param file the file
	 * @param charset its encoding
	 * @return its arguments, or {@code null} if it cannot be read
	 */
	static @Nullable List<String> read(Path file, Charset charset) {
		try {
			return tokenize(Files.readString(file, charset));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Split the contents of an argument file into arguments.
	 * @param text the contents
	 * @return the arguments
	 */
	static List<String> tokenize(String text) {
		List<String> arguments = new ArrayList<>();
		StringBuilder current = null;
		char quote = 0;
		int i = 0;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (quote != 0) {
				if (c == quote) {
					quote = 0;
				}
				else if (c == '\\' && i + 1 < text.length()) {
					char next = text.charAt(++i);
					if (next == '\n' || next == '\r') {
						// A line continued: skip the line break and the next line's indentation
						if (next == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
							i++;
						}
						while (i + 1 < text.length() && isWhitespace(text.charAt(i + 1))) {
							i++;
						}
					}
					else {
						current.append(escaped(next));
					}
				}
				else {
					current.append(c);
				}
				i++;
				continue;
			}
			if (isWhitespace(c)) {
				if (current != null) {
					arguments.add(current.toString());
					current = null;
				}
			}
			else if (c == '#') {
				// As the launcher does, a comment also drops the argument it interrupts
				current = null;
				while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
					i++;
				}
				continue;
			}
			else {
				if (current == null) {
					current = new StringBuilder();
				}
				if (c == '"' || c == '\'') {
					quote = c;
				}
				else {
					current.append(c);
				}
			}
			i++;
		}
		if (current != null) {
			arguments.add(current.toString());
		}
		return arguments;
	}

	private static char escaped(char c) {
		return switch (c) {
			case 'n' -> '\n';
			case 'r' -> '\r';
			case 't' -> '\t';
			case 'f' -> '\f';
			default -> c;
		};
	}

	private static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
	}

}
