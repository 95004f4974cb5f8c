package dev.tend.server;

import dev.tend.server.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock of a server on its data dir, an OS file lock on {@code <data.dir>/server.lock}
 * held while the server runs. The OS releases it when the process dies, even by SIGKILL, so a
 * server that gets it knows that whatever a former process left in the data dir is dead.
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE_NAME = "server.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir}, creating it if needed.
   *
   * @throws ConfigException when another server (or another store in this process) holds it
   */
  static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the lock file " + file, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new ConfigException(
          "data dir "
              + dataDir
              + " is in use by another Tend server (it holds "
              + file
              + "); a data dir belongs to one server: stop that one or give this one another"
              + " --data-dir");
    }
    return new DataDirLock(channel, lock);
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing held is lost: the lock goes with the channel
    }
  }
}
