// The bot token, the OpenCode password and the transcription key: encrypted with safeStorage (the macOS Keychain holds
// the key) and kept as base64 ciphertext in their own electron-store file. Plaintext exists only
// in this process; the window can set, clear and ask "is it set", never read.
import type { ActionResult, SecretName } from '../../preload/ipc-contract';
import type { AppLogger } from './log-buffer';

/** The part of Electron's safeStorage this module uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** The part of electron-store this module uses: ciphertext in, ciphertext out. */
export interface SecretBackend {
  get(key: SecretName): string | undefined;
  set(key: SecretName, value: string): void;
  delete(key: SecretName): void;
}

export interface SecretStore {
  isEncryptionAvailable(): boolean;
  has(name: SecretName): boolean;
  set(name: SecretName, value: string): ActionResult;
  clear(name: SecretName): void;
  /** Main process only (to build the bridge's settings); undefined when unset or unreadable. */
  read(name: SecretName): string | undefined;
}

export const SECRET_LABELS: Record<SecretName, string> = {
  telegramBotToken: 'bot token',
  opencodePassword: 'OpenCode password',
  transcribeKey: 'transcription key',
};

export const ENCRYPTION_UNAVAILABLE =
  'Secrets cannot be saved: macOS did not give this app access to encryption (Keychain). ' +
  'Unlock the login keychain, then try again.';

export function createSecretStore(deps: {
  safeStorage: SafeStorageLike;
  backend: SecretBackend;
  logger: AppLogger;
  /** Told every plaintext this store sees, so the log can redact it. */
  onPlaintext: (secret: string) => void;
}): SecretStore {
  const { safeStorage, backend, logger, onPlaintext } = deps;

  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    has: (name) => {
      const stored = backend.get(name);
      return typeof stored === 'string' && stored !== '';
    },
    set(name, value) {
      if (!safeStorage.isEncryptionAvailable()) return { ok: false, error: ENCRYPTION_UNAVAILABLE };
      onPlaintext(value);
      try {
        backend.set(name, safeStorage.encryptString(value).toString('base64'));
      } catch {
        // The error text could quote its input; say only which secret failed.
        logger.error(`Could not encrypt the ${SECRET_LABELS[name]}.`);
        return { ok: false, error: `Could not encrypt the ${SECRET_LABELS[name]}.` };
      }
      logger.info(`Saved the ${SECRET_LABELS[name]} (encrypted).`);
      return { ok: true };
    },
    clear(name) {
      backend.delete(name);
      logger.info(`Cleared the ${SECRET_LABELS[name]}.`);
    },
    read(name) {
      const stored = backend.get(name);
      if (typeof stored !== 'string' || stored === '') return undefined;
      if (!safeStorage.isEncryptionAvailable()) {
        logger.warn(`Cannot decrypt the ${SECRET_LABELS[name]}: encryption is not available.`);
        return undefined;
      }
      try {
        const plain = safeStorage.decryptString(Buffer.from(stored, 'base64'));
        onPlaintext(plain);
        return plain;
      } catch {
        logger.warn(`Could not decrypt the saved ${SECRET_LABELS[name]}; save it again.`);
        return undefined;
      }
    },
  };
}
