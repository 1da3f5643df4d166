// The Element Web release BlockShare installs by default: version, download URL and the tarball's SHA-256.
// This machine cannot reach GitHub, so the checksum was not computed here. It is the one published by
// YunoHost's Element package (github.com/YunoHost-Apps/element_ynh, manifest.toml at commit
// 0023b8acc9330747291d96bba43276965cb14be0, `[resources.sources.main]`), whose installer refuses a
// download that does not match it. To move the pin: take the new release's checksum from a source you
// trust (or `sha256sum` a tarball whose GPG signature you checked against
// https://packages.element.io/element-release-key.asc) and change all three fields together.

export interface ElementRelease {
  /** Without the leading "v", as in the tarball's `version` file. */
  version: string;
  url: string;
  /** Hex SHA-256 of the tarball at `url`. */
  sha256: string;
}

/** GitHub's download URL for an Element Web release tarball. */
export function elementReleaseUrl(version: string): string {
  return `https://github.com/element-hq/element-web/releases/download/v${version}/element-v${version}.tar.gz`;
}

export const PINNED_ELEMENT_RELEASE: ElementRelease = Object.freeze({
  version: "1.11.100",
  url: elementReleaseUrl("1.11.100"),
  sha256: "bc4d77152d544fa40fccd7c7e5b6ace4e8ae266f4a2cc1b334b25733c6d1f8cd",
});
