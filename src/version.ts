/** The package's version, as package.json says (test/package-install.test.ts checks `lstm-ae --version`, which prints it, against package.json): a constant, so the core reads no file. */
export const VERSION = '0.1.0';
