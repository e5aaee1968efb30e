package io.clusterboot.internal.classdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 digests of files, remembered by path, size and modification time so that a
 * file is read again only when it has changed.
 */
final class FileDigests {

	private final Map<Path, Digest> digests = new ConcurrentHashMap<>();

	/**
	 * The digest of a file, computed again only if its size or modification time changed.
	 * @param file the file
	 * @return the SHA-256 digest in hex
	 * @throws IOException if the file cannot be read
	 */
	String digest(Path file) throws IOException {
		Path path = file.toAbsolutePath().normalize();
		Signature signature = Signature.of(path);
		Digest known = this.digests.get(path);
		if (known != null && known.signature().equals(signature)) {
			return known.hex();
		}
		String hex = sha256(path);
		this.digests.put(path, new Digest(signature, hex));
		return hex;
	}

	/**
	 * The digest of a file, also remembered in a memo file for the next master: read
	 * from the memo if it was written for the file's current size and modification time.
	 * @param file the file
	 * @param memo where the digest is remembered
	 * @return the SHA-256 digest in hex
	 * @throws IOException if the file cannot be read
	 */
	String digest(Path file, Path memo) throws IOException {
		Path path = file.toAbsolutePath().normalize();
		Signature signature = Signature.of(path);
		String expected = path + "\n" + signature.size() + " " + signature.modifiedMillis() + " ";
		Digest known = this.digests.get(path);
		if (known == null || !known.signature().equals(signature)) {
			try {
				String remembered = Files.readString(memo);
				if (remembered.startsWith(expected) && remembered.length() >= expected.length() + 64) {
					String hex = remembered.substring(expected.length(), expected.length() + 64);
					this.digests.put(path, new Digest(signature, hex));
					return hex;
				}
			}
			catch (IOException ex) {
				// Not remembered yet
			}
		}
		String hex = digest(path);
		try {
			Files.createDirectories(memo.getParent());
			Path temporary = Files.createTempFile(memo.getParent(), ".digest", ".tmp");
			Files.writeString(temporary, expected + hex + "\n");
			Files.move(temporary, memo, StandardCopyOption.REPLACE_EXISTING,
					StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			// Only the next master's start is slower
		}
		return hex;
	}

	static String sha256(Path file) throws IOException {
		MessageDigest digest = newDigest();
		byte[] buffer = new byte[64 * 1024];
		try (InputStream input = Files.newInputStream(file)) {
			int read;
			while ((read = input.read(buffer)) != -1) {
				digest.update(buffer, 0, read);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	static String sha256(String text) {
		return HexFormat.of().formatHex(newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
	}

	private static MessageDigest newDigest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What tells that a file changed without reading it: its size and modification time.
	 *
	 * @param size the size in bytes
	 * @param modifiedMillis the modification time
	 */
	record Signature(long size, long modifiedMillis) {

		static Signature of(Path file) throws IOException {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			return new Signature(attributes.size(), attributes.lastModifiedTime().toMillis());
		}

	}

	private record Digest(Signature signature, String hex) {
	}

}
