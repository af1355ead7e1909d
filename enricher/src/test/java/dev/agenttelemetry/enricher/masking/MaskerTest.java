package dev.agenttelemetry.enricher.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MaskerTest {
    private final Masker masker = Masker.withDefaultRules();

    @Test
    void everySpellingOfAKeyWordBeginsWithAStartTheKeyValueRuleIsTriedAt() {
        List<String> spellings = new ArrayList<>(List.of("apikey", "secret", "token", "password", "passwd", "pwd", "passphrase",
                "credential", "cred", "creds", "auth", "bearer", "cookie", "signature", "dsn"));
        for (String separator : List.of("", "_", "-")) {
            for (String word : List.of("api", "access", "private", "license")) {
                spellings.add(word + separator + "key");
            }
            spellings.add("client" + separator + "secret");
        }
        Pattern keyWord = Pattern.compile("(?i)" + MaskingRules.KEY_WORDS);
        for (String spelling : spellings) {
            for (String written : List.of(spelling, spelling.toUpperCase(Locale.ROOT))) {
                assertThat(keyWord.matcher(written).matches()).as(written).isTrue();
                assertThat(MaskingRules.KEY_WORD_STARTS).as(written).anyMatch(start -> written.regionMatches(true, 0, start, 0, start.length()));
                assertThat(masker.mask(written + " = \"Zq8Lm3Nw5Kx7Vb2Rt9\"").text()).as(written).doesNotContain("Zq8Lm3Nw5Kx7Vb2Rt9");
            }
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "anthropic_api_key | ANTHROPIC_API_KEY=sk-ant-api03-Qx7bF2kLm9Np4Rt6Vw8Yz1Ac3De5Fg7Hi9Jk | sk-ant-api03-Qx7bF2kLm9Np4Rt6Vw8Yz1Ac3De5Fg7Hi9Jk",
            "openai_api_key | client = OpenAI(api_key=sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2bC4dE) | sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2bC4dE",
            "aws_access_key | aws s3 ls --profile x AKIA2OGYBAH6STMMNXNN | AKIA2OGYBAH6STMMNXNN",
            "aws_secret_key | aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm3Nw5KEY1 | wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm3Nw5KEY1",
            "github_token | git clone https://ghp_8fK2mQ9xLw4Rt7Vb1Nc6Hs3Jd5Pg0Za2Ye7Tu9Q@github.com/o/r | ghp_8fK2mQ9xLw4Rt7Vb1Nc6Hs3Jd5Pg0Za2Ye7Tu9Q",
            "gitlab_token | PRIVATE-TOKEN glpat-xY9zA8bC7dE6fG5hI4jK | glpat-xY9zA8bC7dE6fG5hI4jK",
            "slack_token | SLACK=xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD | xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD",
            "google_api_key | key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q | AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "stripe_key | Stripe.apiKey = \"sk_live_51H8xYzQ7mRt2VwKp9LcNs4\"; | sk_live_51H8xYzQ7mRt2VwKp9LcNs4",
            // an alphabet in mixed case is not a filler: it looks typed to pass for a key
            "stripe_key | stripe.api_key = \"sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUv\" | sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUv",
            "sendgrid_key | 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 | 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",
            "npm_token | //registry.npmjs.org/:_authToken=npm_k8Rt2Vw9Lc4Ns7Qm1Xp6Hb3Jd5Fg0Za8Ye2T | npm_k8Rt2Vw9Lc4Ns7Qm1Xp6Hb3Jd5Fg0Za8Ye2T",
            "jwt | Cookie: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U | eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "authorization | curl -H 'Authorization: Bearer 7f3a9c0e4b2d81f65a0c3e9b' https://api.example.com | 7f3a9c0e4b2d81f65a0c3e9b",
            "url_password | psql postgres://app:s3cr3tPass@db.internal:5432/app | s3cr3tPass",
            "password | mysql -u root -pHunter2Secret shop | Hunter2Secret",
            "password | deploy --password Tr0ub4dor3 --host x | Tr0ub4dor3",
            "password | export DB_PASSWORD=correct-horse-7 | correct-horse-7",
            "password | connection: Server=db;Database=shop;User Id=sa;Password=Pa55w0rd!x; | Pa55w0rd!x",
            "secret | {\"client_secret\": \"9fQ2xLm4Vb7Nc1Zt8Rk3Hs6\"} | 9fQ2xLm4Vb7Nc1Zt8Rk3Hs6",
            "email | contact alice.smith@example.org for access | alice.smith@example.org",
            "card_number | card 4539 1488 0343 6467 exp 12/29 | 4539 1488 0343 6467",
            "iban | IBAN DE89 3704 0044 0532 0130 00 | DE89 3704 0044 0532 0130 00",
            "phone | call +44 20 7946 0958 now | +44 20 7946 0958",
            "password | curl -u \":d2LkV78zLx!t\" https://localhost:9200 | d2LkV78zLx!t",
            "password | curl --user 9f3kQ2m7Zx1vB8: https://api.example.com | 9f3kQ2m7Zx1vB8",
            "secret | airtable_TOKEN :::= \"py5ypt6u772etb6lj\" | py5ypt6u772etb6lj",
            "square_token | SQUARE=sq0csp-rKSpujtz\\6HErd2EDO1sJYCsxQgZhx0ou7 | 6HErd2EDO1sJYCsxQgZhx0ou7",
            "facebook_token | GET /me?access_token=1308742762612587%7CrhoK1cbv0DOU_RTX_87O4MkX7AI | rhoK1cbv0DOU_RTX_87O4MkX7AI",
            "vendor_token | export BUNDLE_ENTERPRISE__CONTRIBSYS__COM=cafebabe:deadbeef | cafebabe:deadbeef",
            "vendor_token | sentry-cli --auth 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 | 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",
            "vendor_token | src login sgp_0123456789abcdef_d45b6c86aBb0F2Cee943902dbaDBCFCFDD1dA089 | sgp_0123456789abcdef_d45b6c86aBb0F2Cee943902dbaDBCFCFDD1dA089",
            "vendor_token | jf config cmVmd5iuki52vwlonhq7x4sn8zfxzzyomwqkii1q83r1pzzfeutdcgbe4qoqlgeh | cmVmd5iuki52vwlonhq7x4sn8zfxzzyomwqkii1q83r1pzzfeutdcgbe4qoqlgeh",
            "high_entropy | signing KeyMaterial q8Zr2LmX0vB7nT4kW9sYc3Hd | q8Zr2LmX0vB7nT4kW9sYc3Hd",
            "high_entropy | the keys: q8Zr2LmX0vB7nT4kW9sYc3Hd | q8Zr2LmX0vB7nT4kW9sYc3Hd",
    })
    void masksWithATypeHint(String kind, String text, String secret) {
        String masked = masker.mask(text).text();
        assertThat(masked).doesNotContain(secret).contains("[MASKED:" + kind + "]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "mvn -q test -pl core", "git log --oneline -n 20", "docker run -p 8080:80 nginx", "ssh -p 2222 deploy@10.0.0.5",
            "curl -u username:password https://example.com", "curl -H \"Authorization: Bearer $TOKEN\" https://x",
            "export API_KEY=${API_KEY}", "password = getPassword()", "token: <your-token-here>", "key = \"value\"",
            "kubectl get secret my-secret -o yaml", "npm run build -- --mode production", "ls /home", "git commit -m 'fix token refresh'",
            "echo 1234567890", "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "docker run -u 1000:1000 alpine id", "gho_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx", "maps_key: AIzaSyABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "https://indieweb.org/images/2018-250-xoxo-indieweb-1.jpg",
            "GITHUB_API_KEY=\nDYNATRACE_API_KEY=", "Authentication-Results: 5h.ca.iphmx.com", "const keyStr = \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\"",
            "credentialsId: 'jenkins-deploy-key-2024'", "public_key = \"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit\"",
            "<UserSecretsId>79a3edd0-2092-40a2-a04d-dcb46d5ca9ed</UserSecretsId>", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
            "doc.Security.KeySize = PdfEncryptionKeySize.Key128Bit;", "pub const X509_pubkey_st = struct_X509_pubkey_st;",
            // exact formats: one hex digit too many, a non-hex letter, five characters short
            "sntryu_97c871f72130093b6ce27b9d725320ab3eb20ec6245c69b76a505e78b732896b7", "sgp_local_d45b6G86aBb0F2Cee943902dbaDBCFCFDD1dA089",
            "ref = \"cmVmdulf9w2fs7128ph7nz2rqht0xgq3xtg2hsw5km9dywvcwr3o3b\"",
            // "Key" as the start of another word is no key word
            "AVEncVideoMaxKeyframeDistance, \"2987123a-ba93-4704-b489-ec1e5f25292c\""})
    void leavesEverydayTextAndPlaceholdersAlone(String text) {
        assertThat(masker.mask(text).text()).isEqualTo(text);
    }

    @Test
    void masksTheDataOfKubernetesSecretManifestsWhateverTheKeys() {
        String manifest = String.join("\n", "apiVersion: v1", "kind: Secret", "metadata:", "  name: db", "data:",
                "  # base64 of the password", "  key: bXlwYXNzd29yZA==", "  .dockercfg: |", "    eyJhdXRocyI6eyJodHRwczovL2V4YW1wbGUifX0=",
                "  short: YmFyCg==", "type: Opaque");
        String masked = masker.mask(manifest).text();
        assertThat(masked).doesNotContain("bXlwYXNzd29yZA").doesNotContain("eyJhdXRocyI6").contains("[MASKED:kubernetes_secret]")
                .contains("name: db").contains("type: Opaque");
        String configMap = manifest.replace("kind: Secret", "kind: ConfigMap");
        assertThat(masker.mask(configMap).text()).contains("bXlwYXNzd29yZA==");
    }

    @Test
    void replacesHomeDirectoryUserNamesAndCountsWhatItMasked() {
        Masker.Result result = masker.mask("cat /home/alice/.aws/credentials /Users/bob/notes.txt");
        assertThat(result.text()).isEqualTo("cat ~/.aws/credentials ~/notes.txt");
        assertThat(result.masked()).isEqualTo(2);
    }

    /** Short strings found clean are remembered; one with something to mask is masked (and counted) every time. */
    @Test
    void aShortStringIsMaskedEveryTimeItComesAndACleanOneComesBackAsItWas() {
        String secret = "token=ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        for (int i = 0; i < 3; i++) {
            assertThat(masker.mask("tool_name")).isEqualTo(new Masker.Result("tool_name", 0));
            Masker.Result masked = masker.mask(secret);
            assertThat(masked.text()).doesNotContain("a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
            assertThat(masked.masked()).isEqualTo(1);
        }
    }

    @Test
    void rulesCanBeSwitchedOffAndAdded() {
        Masker custom = Masker.create(new Masker.Settings(Set.of("email", "home_dir"), Map.of("ticket", "TICKET-(\\d{4,})"), Set.of("note")));
        assertThat(custom.mask("mail bob@example.org about TICKET-12345 in /home/bob").text())
                .isEqualTo("mail bob@example.org about TICKET-[MASKED:ticket] in /home/bob");
        assertThat(custom.isSensitiveField("Note")).isTrue();
    }
}
