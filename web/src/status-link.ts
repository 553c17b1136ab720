// The status link an enterprise keeps: `status.html#needId=<id>&token=<token>`. The token lives in
// the fragment, which browsers never send to a server, so it reaches no access log. Pure functions.

export interface StatusLink {
  needId: string;
  token: string;
}

/** Reads `needId` and `token` from a location hash (`#needId=…&token=…`); undefined if either is missing. */
export function parseStatusHash(hash: string): StatusLink | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const needId = params.get('needId')?.trim() ?? '';
  const token = params.get('token')?.trim() ?? '';
  if (needId === '' || token === '') return undefined;
  return { needId, token };
}

/** The fragment for a status link, as the server builds it. */
export function statusHash(link: StatusLink): string {
  return `#${new URLSearchParams({ needId: link.needId, token: link.token }).toString()}`;
}

/**
 * The link to show on the receipt: the server's `statusUrl` when it is an http(s) URL whose fragment
 * carries this need; otherwise a link to this site's status page built from the id and token (so a
 * malformed or hostile value never ends up in an `href`).
 */
export function safeStatusUrl(statusUrl: unknown, link: StatusLink, pageUrl: string): string {
  if (typeof statusUrl === 'string') {
    try {
      const url = new URL(statusUrl);
      const fromHash = parseStatusHash(url.hash);
      if (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        url.search === '' &&
        fromHash?.needId === link.needId &&
        fromHash.token === link.token
      ) {
        return url.href;
      }
    } catch {
      // fall through to the built link
    }
  }
  return new URL(`status.html${statusHash(link)}`, pageUrl).href;
}

/**
 * The link with the page language in its fragment (`…&lang=en`): the status page opens in the
 * language the form was filled in, even on another host name (localhost / 127.0.0.1 keep separate
 * storage). Anything that is not an absolute http(s) URL is returned as it is.
 */
export function withLanguage(href: string, language: 'zh' | 'en'): string {
  try {
    const url = new URL(href);
    const params = new URLSearchParams(url.hash.replace(/^#/, ''));
    params.set('lang', language);
    url.hash = params.toString();
    return url.href;
  } catch {
    return href;
  }
}
