package dev.agenttelemetry.enricher.masking;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A provider coding agents hand credentials to, with the token formats its own documentation gives; the catalogue
 * lists them. A provider's name makes a key a credential's key ({@code cloudflare: ...}, {@code SONAR_LOGIN := ...}),
 * whose value must then fit one of its formats; a value that claims a provider's format ({@code sqp_...},
 * {@code 123456:AA...}) but does not fit it is a truncated or made-up example, not that provider's token.
 *
 * @param keyWord   lower-case word that names the provider in a key
 * @param claims    what a value that presents itself as this provider's token looks like (null: no telling prefix)
 * @param format    the provider's token formats
 */
record Provider(String keyWord, Pattern claims, Pattern format) {
    static final List<Provider> CATALOGUE = List.of(
            // Cloudflare: Global API Key (37 hex), API tokens (40 characters), Origin CA keys (v1.0-<24 hex>-<146 hex>).
            provider("cloudflare", "v1\\.0-.*", "[0-9a-f]{37}|[A-Za-z0-9_\\-]{40}|v1\\.0-[0-9a-f]{24}-[0-9a-f]{146}"),
            // Sourcegraph access tokens: sgp_ with an optional instance part, then 40 hex; older tokens 40 hex.
            provider("sourcegraph", "sgp_.*", "(?:sgp_(?:[0-9a-fA-F]{16}_|local_)?)?[0-9a-fA-F]{40}"),
            // SonarQube / SonarCloud: sqp_ (project), squ_ (user), sqa_ (global analysis) tokens, then 40 characters; older ones 40.
            provider("sonar", "sq[pua]_.*", "(?:sq[pua]_)?[A-Za-z0-9]{40}"),
            // Stripe: secret (sk_), restricted (rk_) and publishable (pk_) keys, in test or live mode.
            provider("stripe", "[spr]k_(?:test|live|prod)_.*", "[spr]k_(?:test|live|prod)_[0-9A-Za-z]{10,}"),
            // Telegram bot tokens: the bot's numeric id, a colon, 35 characters.
            provider("telegram", "\\d+:[A-Za-z0-9_\\-]+", "\\d{5,16}:[A-Za-z0-9_\\-]{35}"),
            // Mailgun: private API keys key-<32 hex> and <32 hex>-<8 hex>-<8 hex>.
            provider("mailgun", "key-.*", "key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}"),
            // Heroku: API keys are UUIDs; newer ones HRKU-.
            provider("heroku", "HRKU-.*", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|HRKU-[A-Za-z0-9_\\-]{20,}"),
            // Slack: xox<type>- tokens with the team and user numbers before the secret part, refresh and configuration
            // tokens (xoxe-, xoxe.xoxp-), app-level tokens (xapp-).
            provider("slack", "xox[a-z]-.*", "xox[abposer]-\\d+-[A-Za-z0-9\\-]{8,}.*|xoxe-\\d-[A-Za-z0-9]{100,}|xapp-\\d-.*"),
            // Amazon Bedrock short-term API keys: bedrock-api-key- then, in base64, a presigned request to bedrock.amazonaws.com.
            provider("bedrock", "bedrock-api-key-.*", "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%]*"),
            // Postman API keys: PMAK-<24 hex>-<34 hex>.
            provider("postman", "PMAK-.*", "PMAK-[0-9a-f]{24}-[0-9a-f]{34}"),
            // New Relic: NRAK- user keys, NRII- insert keys, NRJS- browser keys.
            provider("newrelic", null, "NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_\\-]{32}|NRJS-[0-9a-f]{19}"),
            // Datadog: API keys 32 hex, application keys 40 hex.
            provider("datadog", null, "[0-9a-f]{32}|[0-9a-f]{40}"),
            // Twilio: API key SIDs SK<32 hex>, account SIDs AC<32 hex>, auth tokens 32 hex.
            provider("twilio", null, "(?:SK|AC)?[0-9a-fA-F]{32}"),
            provider("algolia", null, "[0-9a-f]{32}"));

    private static Provider provider(String keyWord, String claims, String format) {
        return new Provider(keyWord, claims == null ? null : Pattern.compile(claims), Pattern.compile(format));
    }

    /** The provider names as they can begin a key, for the key-value rule's pattern. */
    static String keyWordsRegex() {
        return String.join("|", CATALOGUE.stream().map(Provider::keyWord).toList());
    }

    static String[] keyWords() {
        return CATALOGUE.stream().map(Provider::keyWord).toArray(String[]::new);
    }

    /** The provider a key names, if any. */
    static Provider namedIn(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (Provider provider : CATALOGUE) {
            if (lower.contains(provider.keyWord)) {
                return provider;
            }
        }
        return null;
    }

    /** A value that presents itself as some provider's token but does not fit that provider's format. */
    static boolean claimsButMisfits(String value) {
        for (Provider provider : CATALOGUE) {
            if (provider.claims != null && provider.claims.matcher(value).matches() && !provider.format.matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a value fits this provider's documented formats. */
    boolean fits(String value) {
        return format.matcher(value).matches();
    }
}
