package dev.agenttelemetry.enricher.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The masker's two halves: context finds a value in a secret's place (a key, a flag, a header, a provider's
 * name), the value judge decides by its shape. One case per class of miss and of false mask; every value here
 * is made up.
 */
class ContextAndJudgeTest {
    private final Masker masker = Masker.withDefaultRules();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            // a provider's name as the key, with a bare value in the provider's format
            "cloudflare: \"06b40928b5b7a767c76fb008f86bebb2737f6\" | 06b40928b5b7a767c76fb008f86bebb2737f6",
            "sourcegraph: a6f0fb23c6f5da2cec255404e4fb440034d66086 | a6f0fb23c6f5da2cec255404e4fb440034d66086",
            "SONAR_LOGIN := \"sqp_97a8d41bed440e50454f31af3176813e02ea68ef\" | 97a8d41bed440e50454f31af3176813e02ea68ef",
            "<sonarToken>sqp_97a8d41bed440e50454f31af3176813e02ea68ef</sonarToken> | 97a8d41bed440e50454f31af3176813e02ea68ef",
            // Cloudflare origin CA keys
            "CF_ORIGIN_CA=v1.0-a4c123b1612dd272d1371c17-149d439536b3216fdaeeb975729fae923d5a4fd12aabfe228f219e9cb0eb53f16947ccf25ec84d8dbc74254770f58904dba41ecccc3fc1626e53a13043b026c48bbf33feff9243a8f5 | a4c123b1612dd272d1371c17",
            // a Google API key whose last character is a dash
            "maps.init('AIzafhZ5R1Py4oJe2JbmPTuSgR7cMy_UcU3zr1-'); | AIzafhZ5R1Py4oJe2JbmPTuSgR7cMy_UcU3zr1",
            // curl --user with quotes around either part
            "curl --user alice:'p4ssW0rd!x' https://api.example.com | p4ssW0rd!x",
            "curl --user \"ci-bot\":\"Zt7pQ2mW9xVb\" https://api.example.com | Zt7pQ2mW9xVb",
            "curl --user \"{id}\":\"{secret}\" https://api.example.com | {secret}",
            // padded assignments (HCL, aligned YAML)
            "  password       = \"Zq8!Lm3Nw5Kx\" | Zq8!Lm3Nw5Kx",
            "db_password:        Wq3#vL9pXt2m | Wq3#vL9pXt2m",
            // a value starting with a symbol, quoted
            "api_secret = \"!Kp2@Lx9$Rm4\" | Kp2@Lx9$Rm4",
            // flags and shell variables that name a password, -p of the tools where it is one, a URL with no user
            "DB_PASS=Wq3vL9pXt2m ./migrate | Wq3vL9pXt2m",
            "deploy --db-password Wq3vL9pXt2m | Wq3vL9pXt2m",
            "docker login -u bob -p Wq3vL9pXt2m registry.example.com | Wq3vL9pXt2m",
            "sshpass -p 'Wq3vL9pXt2m' ssh bob@host | Wq3vL9pXt2m",
            "redis-cli -h cache -a Wq3vL9pXt2m ping | Wq3vL9pXt2m",
            "REDIS_URL=redis://:Wq3vL9pXt2m@localhost:6379 | Wq3vL9pXt2m",
            // an Amazon Bedrock short-term key: a presigned request to bedrock.amazonaws.com in base64
            "AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg== | YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb24",
            // a card number standing alone (the same digits inside a float or a hex string are left, below)
            "paid with 4539148803436467 yesterday | 4539148803436467",
            "paid with 4539 1488 0343 6467 yesterday | 4539 1488 0343 6467",
            "amex 378282246310005 on file | 378282246310005",
            "url := \"/db?allowOldPasswords=TRUE&password=Zq8Lm3Nw5KxWq3vL9p\" | Zq8Lm3Nw5KxWq3vL9p",
            // a secret inside a match judged no secret: the call's keyword argument after a key-like variable
            "token = GalaxyToken(token=\"Zq8Lm3Nw5KxWq3vL9p\") | Zq8Lm3Nw5KxWq3vL9p",
            // a key and its value as two quoted arguments
            "headers.set(\"X-Auth-Token\", \"Zq8Lm3Nw5KxWq3vL9p\") | Zq8Lm3Nw5KxWq3vL9p",
            // an assignment whose value has an = in it, and a password's digit after a dash
            "FASTLY_TOKEN=_9b3_7kqz2mw5=vt-4hy8pla1d=x | _9b3_7kqz2mw5=vt-4hy8pla1d=x",
            "export DB_PASSWORD=quiet-lantern-4 | quiet-lantern-4",
            // random tokens that split into words and digits are no names
            "atlassian_token=kq4vzp1ub8nimv7swxp92b4d | kq4vzp1ub8nimv7swxp92b4d",
            "sumo_token = \"suQxG3NOt0ETab\" | suQxG3NOt0ETab",
            // HTTP Basic credentials: base64 of user:password
            "Authorization header was Basic Y2ktYm90Olp0N3BRMm1XOXg= | Y2ktYm90Olp0N3BRMm1XOXg=",
            // a data source name with user info, a publish token (no public key), a URL's password after its host's key word
            "SENTRY_DSN=https://4f1c9ab27d3e44b08c1fd2a6e5b7c390@o112233.ingest.example.io/42 | 4f1c9ab27d3e44b08c1fd2a6e5b7c390",
            "NPM_PUBLISH_TOKEN=Zq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3 | Zq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3",
            "ssh_pub_key_password = \"Zq8Lm3Nw5KxWq3vL9pXt\" | Zq8Lm3Nw5KxWq3vL9pXt",
            "ansible-playbook site.yml --vault-password Zq8Lm3Nw5K | Zq8Lm3Nw5K",
            "  change_password: 'Wq3vL9pXt2m!'  | Wq3vL9pXt2m!",
            // a password with a Ruby variable's sigil, a password inside a connection string of key=value pairs
            "ADMIN_PASSWORD=@mysecretpassword | mysecretpassword",
            "dsn: \"host=db.internal user=app password=Xk9vL2mQ7wZp dbname=app\" | Xk9vL2mQ7wZp",
            "curl \"https://api.example.com/v1/data?api_key=Zq8Lm3Nw5KxWq3vL9pXt&format=json\" | Zq8Lm3Nw5KxWq3vL9pXt",
            "\"Authorization\": \"Bearer Zq8Lm3Nw5KxWq3vL9pXt2m\"} | Zq8Lm3Nw5KxWq3vL9pXt2m",
            // a session cookie's value
            "Cookie: sid=Zq8Lm3Nw5KxWq3vL9pXt2m | Zq8Lm3Nw5KxWq3vL9pXt2m",
    })
    void masksAValueThatContextAndShapeMakeASecret(String text, String secret) {
        String masked = masker.mask(text.replace("\\n", "\n")).text();
        assertThat(masked).doesNotContain(secret).contains("[MASKED:");
    }

    @Test
    void masksAValueUnderAYamlFoldedOrBlockScalarAndInsideEscapedJson() {
        assertThat(masker.mask("client_secret: >\n  Gh7Kl2Mn9Pq4Rs6Tv8Wx\n").text()).doesNotContain("Gh7Kl2Mn9Pq4Rs6Tv8Wx");
        assertThat(masker.mask("client_secret: |-\n  Gh7Kl2Mn9Pq4Rs6Tv8Wx\n").text()).doesNotContain("Gh7Kl2Mn9Pq4Rs6Tv8Wx");
        assertThat(masker.mask("{\\\"api_key\\\": \\\"Tq9Lm2Xw7Rp4Vz8Kc3\\\"}").text()).isEqualTo("{\\\"api_key\\\": \\\"[MASKED:secret]\\\"}");
    }

    @Test
    void masksTheDockerConfigOfAKubernetesSecretUnderAFoldedScalar() {
        String manifest = "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: >\n"
                + "    eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJhdXRoIjoiZFhObGNqcHdZWE56In19fQ==\n";
        assertThat(masker.mask(manifest).text()).doesNotContain("eyJhdXRocyI6").contains("[MASKED:");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // code references under a key-like name
            "const apiKey = process.env.API_KEY",
            "return {accessToken: this._token, user}",
            "clientSecret: U6A.SENSITIVE_STRING,",
            "token = os.getenv(\"GITHUB_TOKEN\")",
            "r.creditScore = computeScore(x9, y7)",
            // a word after "basic"; the scheme word of a template
            "echo \"Basic connectivity check done\"",
            "headers: { Authorization: `Bearer ${token}` }",
            // floats and hex strings that hold a Luhn-valid run
            "\"durationSeconds\": 19.4539148803436467",
            "commit 9f3e4539148803436467a7 merged",
            // file names, URLs and identifiers under key-like names
            "TokenFile=\"server.cer\"",
            "access_token_url='https://auth.example.com/oauth/token'",
            "secret_length = X25519.secret_length",
            "password_hint: \"the usual one with a 7\"",
            // -p as a port, a bypass that is no pass
            "psql -h db -p 5432 -U app",
            "bypass=Wq3vL9pXt2m",
            // a Bedrock key prefix over some other host
            "bedrock-api-key-YmVkcm9jay5leGFtcGxlLmNvbQ==",
            // prose with a key word and a comma
            "Secure login with email/password, Multi-Factor sign-in",
            // names in code and documentation: code spans in a list, an argument after a key-like variable, URNs,
            // type names, acronyms, digits inside a name, negated expressions, header names, version ranges
            "on enums `Invoice.payment_settings.token_currency`, `Quote.line_items.price_data`, and `Order.refunds`",
            "const digest = Buffer.from(signature, 'base64').toString('hex');",
            "grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',",
            "  credentials: ICredentialStore;",
            "this.serviceAPIKey = serviceAPIKey;",
            "const headerName = \"x-amz-copy-source-server-side-encryption-customer-key-MD5\";",
            "function buildSigv4aHttpAuthOption(authParameters) {",
            "disableSessionAuth: config?.disableS3SessionAuth ?? false,",
            "const signatureFound = !!details.signatures.find(matches);",
            "  \"oauth\": \"^2.3.x\",",
            "Amazon Bedrock accepts bearer authentication.",
            // module names, calls and chained assignments in code, private names, TypeScript's non-null assertion,
            // acronyms and numeronyms in names, integrity hashes, numbered test keys
            "const signer = require('@acme/request-signer');",
            "  headers: { Authorization: toBearer(settings.apiKey) },",
            "this.options.password=this.password=p",
            "_.PasswordMessage=_.ReadyForQueryMessage=_.CopyDoneMessage=",
            "const cookieName = `__Host.acme.session-token.1`;",
            "  webhookSecret: process.env.ACME_WEBHOOK_SECRET!,",
            "<script src=\"x.js\" integrity=\"sha384-Zq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3Nw5KxWq3vL9pXt\"></script>",
            "const signature = decodeBase64(rawSignature);",
            "const client = new Client({ apiKey: 'test-key-2' });",
            "var require_secret = __commonJS",
            "  private readonly tokenSource: GCPSDKTokenSource;",
            "run(new token_store_1.TokenStore(), k8s_node_flow_1.k8sHandler)",
            "  NextPageToken: \"Zq8Lm3Nw5KxWq3vL9pXt2m\",",
            // a value that claims a provider's format and does not fit it
            "stripe.charges.create({amount: 5}, {apiKey: 'sk_test_123'})",
            "\"token1\": \"xoxp-1234567890\"",
            "telegram_bot_token = \"6835:Kq2vL9pXt2mWq3vL9pXt2mWq3vL9pXt2m\"",
            // the public half of a key pair, its fingerprint; a call whose name ends in another word
            "\tsigningKeyECPubX = \"Zq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3Nw5KxWq3vL9p\"",
            "deploy_key_public: \"Zq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3Nw5KxWq3vL9p\"",
            "ssh_key_fingerprint = \"Zq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3Nw5KxWq3vL9p\"",
            "req := NewPasswordResetRequest(\"uid=alice,ou=people,dc=example\")",
            // a URL's host and port, a data source name with no user info, a route with templates
            "  identity_url: https://auth.cloud.example.net:5000/v3",
            "dsn := \"tcp(db.example.com:3306)/app?tls=true&parseTime=true\"",
            "vault_auth = \"/v1/auth/{mount_point}/role/{role_name}\"",
            // a header built from a variable, base64 of a sentence, Basic of a placeholder user:password
            "return {'Authorization': session_token}",
            "ExpectedSessionToken: \"dGhpcyB0b2tlbiBpcyBtYWRlIHVwIGZvciBhIHRlc3Q=\"",
            "want := \"Basic QVBQX0lEOkFQUF9TRUNSRVQ=\"",
            // counting runs in place of a token, a URL whose password is a placeholder
            "  clientSecret: \"1234567890abcdef1234567890abcdef12345678\",",
            "curl -H 'authorization: Bearer abc123456' localhost:3000",
            "const proxyWithAuth = new ProxyAgent('socks5://user:pass@localhost:1080')",
            // references in Rust and Go, a documentation link, a path's segment, a name with digits after several words,
            // a cookie's name, the specifications' example credentials
            "    let client_secret = derive(&self.client_traffic_secret);",
            "        $this->tokens = \\array_values($tokens);",
            "        $options[\\CURLOPT_HTTPAUTH] = \\CURLAUTH_BASIC;",
            "/// [`Session::auth_token`]: struct.Session.html#method.auth_token",
            "    let nid = Nid(ffi::NID_X9_62_id_ecPublicKeyWithSha256);",
            "    verify_rsa_pss_sha256_with_legacy_key_format_and_sha512_digest()",
            "    .header(\"Set-Cookie\", \"theme=dark2\")",
            "    // => \"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\"",
            "  \"access_token\": \"2YotnFZFEjr1zCsicMWpAA\",",
            // dates and the keys that hold them, algorithms by name, a format's fields, a flag that asks for the password,
            // a badge's token
            "  password_expires_at: '2031-04-17T08:30:00.000Z'",
            "    token_issued: 2031-04-17",
            "    hashed = pbkdf2_hmac('sha512', password, salt, 100000)",
            "    api_secret_algorithm = \"hmac-sha256\"",
            "    reset_password = 'accounts/%s/password' % account_id",
            "    token_path = \"/v2/tenants/{tenant}/tokens/{0}\"",
            "ansible-playbook site.yml -i hosts --ask-vault-pass deploy_cluster.yml",
            "    PGOPTIONS: \"-c password_encryption=scram-sha-256\"",
            "    key_types: ['sk-ssh-ed25519-cert-v01', 'ssh-ed25519']",
            "[![coverage](https://codecov.example.org/gh/acme/lib/graph/badge.svg?token=Zq8Lm3Nw5K)](https://codecov.example.org)",
            // Ruby's instance variables and setters, a certificate's lines near a key word
            "  alias api_token= session_token=",
            "ca_cert: \"-----BEGIN CERTIFICATE-----\\r\\nMIIDAzCCAeugAwIBAgIUZq8Lm3Nw5KxWq3vL9pXt2mZq8Lm3Nw5K\\r\\n\", token: \"$CI_TOKEN\"",
            "      headers['X-Session-Token'] = @session_token",
            "  credentials = load_profile(@parsed_credentials.fetch(name))",
    })
    void leavesWhatIsNoSecret(String text) {
        assertThat(masker.mask(text).text()).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "toolu_01Qx7bF2kLm9Np4Rt6Vw8YzA",
            "req_011CQx7bF2kLm9Np4Rt6Vw8Yz",
            "msg_01Qx7bF2kLm9Np4Rt6Vw8YzAc",
            "3f2b8c1e-9d4a-4e7b-8a6c-5d1e0f2a3b4c",
            "9c4e7a1b2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b",
    })
    void leavesClaudesIdsUuidsAndHashesInProseAndToolOutput(String id) {
        for (String text : List.of("the token request " + id + " returned", "{\"requestId\":\"" + id + "\",\"output_tokens\":12}",
                "[{\"type\":\"tool_result\",\"tool_use_id\":\\\"" + id + "\\\",\"content\":\"secret rotated\"}]")) {
            assertThat(masker.mask(text).text()).as(text).contains(id);
        }
    }

    @Test
    void masksAUuidAssignedToAKey() {
        assertThat(masker.mask("const hubspotKey = \"3f2b8c1e-9d4a-4e7b-8a6c-5d1e0f2a3b4c\"").text()).doesNotContain("3f2b8c1e");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "password=\"ab12cd&ef#gh$ij34\" | ef#gh$ij34",
            "export API_TOKEN=Tq9Lm2Xw&7Rp4#Vz8$Kc3 | 7Rp4#Vz8$Kc3",
            "secret: 'Xw7&Rp4#tail9' | tail9",
    })
    void aMaskCoversTheWholeValue(String text, String tail) {
        assertThat(masker.mask(text).text()).contains("[MASKED:").doesNotContain(tail);
    }

    @Test
    void aUrlQueryParameterEndsAtTheNextParameter() {
        assertThat(masker.mask("GET https://api.example.com/v2/items?access_token=Tq9Lm2Xw7Rp4Vz8Kc3&page=2#top").text())
                .isEqualTo("GET https://api.example.com/v2/items?access_token=[MASKED:secret]&page=2#top");
        assertThat(masker.mask("see https://example.com/list?token=abc&page=2").text()).isEqualTo("see https://example.com/list?token=abc&page=2");
    }

    @Test
    void leavesTheValuesItIsToldToKeepAndReportsEachValueItReplaces() {
        String text = "api_key=Tq9Lm2Xw7Rp4Vz8Kc3 session=Tq9Lm2Xw7Rp4Vz8Kc4";
        List<Masker.Replaced> replaced = new ArrayList<>();
        Masker.Result kept = masker.mask("api_key=Tq9Lm2Xw7Rp4Vz8Kc3", Set.of("Tq9Lm2Xw7Rp4Vz8Kc3"), replaced::add);
        assertThat(kept.text()).isEqualTo("api_key=Tq9Lm2Xw7Rp4Vz8Kc3");
        assertThat(replaced).isEmpty();
        masker.mask(text, Set.of(), replaced::add);
        assertThat(replaced).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("secret");
            assertThat(r.original()).isEqualTo("Tq9Lm2Xw7Rp4Vz8Kc3");
            assertThat(r.before()).endsWith("api_key=");
        });
        // a text kept whole once is masked again when nothing asks to keep it
        assertThat(masker.mask("api_key=Tq9Lm2Xw7Rp4Vz8Kc3").text()).isEqualTo("api_key=[MASKED:secret]");
    }

    @Test
    void readsEscapesAsSpacesOfTheSameLength() {
        String text = "a\\nb\\\"c\\u00e9d\\\\e";
        assertThat(EscapeBlankedText.of(text)).hasSameSizeAs(text).isEqualTo("a  b  c      d  e");
        assertThat(EscapeBlankedText.of("an escaped backslash \\\\n before n")).isEqualTo("an escaped backslash   n before n");
        assertThat(EscapeBlankedText.of("no escapes, a lone \\x")).isEqualTo("no escapes, a lone \\x");
        assertThat(masker.mask("{\\\"msg\\\":\\\"done\\\"}\\nAKIA2OGYBAH6STMMNXNN").text()).endsWith("\\n[MASKED:aws_access_key]");
        assertThat(masker.mask("card:\\n4539 1488 0343 6467").text()).isEqualTo("card:\\n[MASKED:card_number]");
    }

    @Test
    void aMaskedJsonLineIsStillJson() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String line = json.writeValueAsString(java.util.Map.of(
                "command", "export AWS_KEY=AKIA2OGYBAH6STMMNXNN\ncurl -H \"Authorization: Bearer Tq9Lm2Xw7Rp4Vz8Kc3Zx\" https://api.example.com",
                "transcript", "{\"api_key\": \"Tq9Lm2Xw7Rp4Vz8Kc3\", \"dir\": \"/home/alice\"}", // a JSON text inside a string
                "cwd", "/home/alice/shop"));
        String masked = masker.mask(line).text();
        assertThat(masked).doesNotContain("AKIA2OGYBAH6STMMNXNN", "Tq9Lm2Xw7Rp4Vz8Kc3", "alice");
        assertThat(json.readTree(masked).path("command").asText()).startsWith("export AWS_KEY=[MASKED:aws_access_key]\ncurl");
        assertThat(json.readTree(json.readTree(masked).path("transcript").asText()).path("dir").asText()).isEqualTo("~");
    }
}
