package dev.agenttelemetry.kafka;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Generated secrets kept in files only their owner may read, so a restart finds the same ones. */
public final class SecretFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /** The secret in {@code file}, generated (24 random bytes, URL-safe Base64) on first use. */
    public static String readOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            createPrivateDirectory(file.getParent());
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            } catch (FileAlreadyExistsException e) {
                // another process created it first: use theirs
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions must protect it
                Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            }
        }
        String secret = Files.readString(file).trim();
        if (secret.isEmpty()) {
            throw new IOException("the secret file " + file + " is empty; delete it to generate a new secret");
        }
        return secret;
    }

    /** The directory, made accessible to its owner only when this creates it. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }
}
