package io.clusterboot.internal.launch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ArgumentFiles}, against what the {@code java} launcher of JDK 17 makes
 * of the same files.
 */
class ArgumentFilesTests {

	@TempDir
	Path directory;

	@Test
	void argumentsAreSeparatedByWhiteSpaceAndLines() {
		assertThat(ArgumentFiles.tokenize("-Xmx1g  -Dx=1\n\t-cp a.jar:b.jar\r\ncom.example.App\f--debug"))
			.containsExactly("-Xmx1g", "-Dx=1", "-cp", "a.jar:b.jar", "com.example.App", "--debug");
	}

	@Test
	void quotesEncloseWhiteSpaceAnywhereInAnArgument() {
		assertThat(ArgumentFiles.tokenize("-Da=\"hello world\" -Df=mi\"x ed\" 'single quoted'"))
			.containsExactly("-Da=hello world", "-Df=mix ed", "single quoted");
	}

	@Test
	void insideQuotesABackslashEscapes() {
		assertThat(ArgumentFiles.tokenize("'x\\ty' \"es\\\"c\" 'sq\\'x' \"back\\\\slash\""))
			.containsExactly("x\ty", "es\"c", "sq'x", "back\\slash");
	}

	@Test
	void outsideQuotesABackslashIsItself() {
		assertThat(ArgumentFiles.tokenize("-De=back\\slash C:\\dir")).containsExactly("-De=back\\slash", "C:\\dir");
	}

	@Test
	void aBackslashAtTheEndOfALineInsideQuotesJoinsTheNextLineWithoutItsIndentation() {
		assertThat(ArgumentFiles.tokenize("-Dd=\"line1 \\\n    continued\" next"))
			.containsExactly("-Dd=line1 continued", "next");
	}

	@Test
	void aCommentRunsToTheEndOfTheLineAndDropsTheArgumentItInterrupts() {
		// What the launcher does: "one ab#x two" gives only "one"
		assertThat(ArgumentFiles.tokenize("# a comment\none ab#x two\nthree #four\n\"q#uoted\"\nfive"))
			.containsExactly("one", "three", "q#uoted", "five");
	}

	@Test
	void anArgumentFileThatCannotBeReadIsNothing() {
		assertThat(ArgumentFiles.read(this.directory.resolve("missing.args"), StandardCharsets.UTF_8)).isNull();
	}

}
