#!/usr/bin/env bash
# Fetches one of the source-code corpora `agent-telemetry bench masking --code DIR` was measured on: providers' SDKs
# and libraries coding agents read and edit, pinned to the versions measured. Each package is unpacked into a
# directory of its own under DIR, named as `npm pack` names its file (scope and name, no version).
#   benchmarks/code-corpus.sh npm-1|npm-2|npm-3|npm-4|debian-python|debian-go|debian-ruby|debian-rust|debian-php|debian-ansible|maven-java DIR
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 npm-1|npm-2|npm-3|npm-4|debian-python|debian-go|debian-ruby|debian-rust|debian-php|debian-ansible|maven-java DIR" >&2
  exit 2
fi
set_name=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
case "$set_name" in
  npm-1) packages="@anthropic-ai/sdk@1.17.0 @aws-sdk/client-s3@3.1178.0 @azure/identity@4.13.1 @datadog/datadog-api-client@1.64.0
    dotenv@18.0.10 firebase-admin@13.10.0 @google-cloud/storage@7.22.0 jsonwebtoken@9.0.3 mailgun.js@14.0.1 @octokit/rest@22.0.1
    openai@6.49.0 passport-oauth2@1.8.0 @sendgrid/mail@8.1.6 @sentry/node@11.12.0 @slack/web-api@8.2.0 stripe@23.2.0 twilio@6.3.1" ;;
  npm-2) packages="auth0@7.1.0 @aws-sdk/client-secrets-manager@3.1178.0 @aws-sdk/client-sts@3.1178.0 @azure/keyvault-secrets@4.11.2
    @clerk/backend@3.25.0 cohere-ai@8.1.0 discord.js@14.28.1 @elastic/elasticsearch@9.4.3 @gitbeaker/rest@43.8.0
    @google-cloud/secret-manager@6.3.0 @google/generative-ai@0.24.1 groq-sdk@1.6.0 @huggingface/inference@4.13.30 ioredis@6.1.0
    jose@6.2.19 kafkajs@2.2.4 @linear/sdk@98.0.0 @mistralai/mistralai@2.7.0 mongodb@7.9.1 mysql2@3.26.1 @neondatabase/serverless@1.2.0
    @netlify/functions@5.3.0 newrelic@13.20.0 next-auth@4.24.15 node-vault@0.12.0 nodemailer@10.6.1 @notionhq/client@5.26.0
    oauth4webapi@3.8.9 octokit@5.0.5 @okta/okta-auth-js@8.0.1 openid-client@6.9.1 passport-jwt@4.0.1 pg@8.23.1
    @pinecone-database/pinecone@8.2.0 posthog-node@5.74.0 replicate@1.4.0 @slack/bolt@5.1.0 @supabase/supabase-js@2.109.0
    telegraf@4.16.3 @vercel/node@24.0.0" ;;
  npm-3) packages="ai@6.0.333 @ai-sdk/anthropic@3.0.140 @ai-sdk/openai@3.0.141 argon2@0.45.1 @atlaskit/adf-utils@20.9.78
    @aws-sdk/client-dynamodb@3.1178.0 @aws-sdk/client-lambda@3.1178.0 axios@1.21.1 @azure/cosmos@4.9.3 @azure/msal-node@7.2.4
    @azure/storage-blob@12.32.0 bcrypt@6.0.0 bitbucket@2.12.0 crypto-js@4.2.0 express@5.3.0 fastify@5.12.8 firebase@13.2.0
    @gitbeaker/core@43.8.0 @google-cloud/bigquery@8.3.1 @google-cloud/pubsub@5.3.1 googleapis@178.0.0 got@14.6.6 @grpc/grpc-js@1.14.7
    jira-client@8.2.2 jsonwebtoken@9.0.3 knex@3.3.0 koa@3.3.0 langchain@1.5.14 @langchain/core@1.5.0 @modelcontextprotocol/sdk@1.32.2
    mongoose@9.13.2 node-fetch@3.3.2 node-forge@1.4.4 @octokit/auth-app@8.3.1 @octokit/webhooks@14.2.0
    @opentelemetry/exporter-trace-otlp-http@0.223.1 passport@0.7.0 @prisma/client@7.10.1 @sentry/core@11.19.0 sequelize@6.37.8
    ssh2@1.17.0 typeorm@1.1.4 undici@7.30.3 @upstash/redis@1.39.0 @vercel/kv@3.0.0" ;;
  npm-4) packages="amqplib@2.3.1 @apollo/server@5.5.1 bitcoinjs-lib@7.0.5 chalk@5.6.2 commander@14.0.3 config@5.0.1 convict@6.2.5
    cookie-parser@1.4.7 cors@2.8.6 dockerode@5.0.1 dotenv-expand@1000.0.0 eslint@10.16.0 ethers@6.17.0 express-session@1.19.0
    google-auth-library@10.9.1 graphql@16.15.0 hardhat@3.18.0 helmet@8.3.0 jest@30.5.2 js-yaml@5.5.0 jwks-rsa@4.1.0
    kubernetes-client@9.0.0 @kubernetes/client-node@2.0.2 ldapjs@3.0.7 lodash@4.18.1 moment@2.31.0 mqtt@5.16.0 nats@2.29.3
    node-jose@2.2.0 pino@10.4.0 serverless@4.47.0 simple-oauth2@5.1.0 socket.io@4.8.4 @solana/web3.js@2.0.0 vite@8.4.1 web3@4.16.0
    webpack@5.113.0 winston@3.19.0 ws@8.23.1 yaml@2.9.1 yargs@18.2.0 zod@4.6.7" ;;
  debian-python) packages="ansible-core python3-authlib python3-azure python3-boto3 python3-botocore python3-celery python3-django
    python3-docker python3-dotenv python3-fabric python3-flask python3-github python3-gitlab python3-google-auth python3-httpx
    python3-hvac python3-invoke python3-jenkins python3-jira python3-jwt python3-keyring python3-keystoneauth1 python3-kubernetes
    python3-ldap3 python3-msal python3-oauthlib python3-openstacksdk python3-paramiko python3-passlib python3-psycopg2
    python3-pymysql python3-redis python3-requests-oauthlib python3-requests python3-social-auth-core python3-sqlalchemy
    python3-stripe python3-twilio" ;;
  maven-java) packages="com.anthropic:anthropic-java-core:3.18.0 com.amazonaws:aws-java-sdk-core:1.12.797
    com.azure:azure-security-keyvault-secrets:4.11.1 org.kohsuke:github-api:2.0-rc.6 org.gitlab4j:gitlab4j-api:6.2.0
    com.google.cloud:google-cloud-secretmanager:2.95.0 org.apache.httpcomponents.client5:httpclient5:5.7-alpha1
    io.jsonwebtoken:jjwt-impl:0.13.0 io.micronaut.security:micronaut-security-jwt:4.15.1 com.nimbusds:nimbus-jose-jwt:10.10
    com.squareup.okhttp3:okhttp:5.5.1 com.openai:openai-java-core:4.109.0 com.slack.api:slack-api-client:1.51.0
    org.springframework.security:spring-security-core:7.2.0 org.springframework.security:spring-security-oauth2-client:7.2.0
    com.hierynomus:sshj:0.41.2 com.stripe:stripe-java:33.5.0-beta.1 com.twilio.sdk:twilio:13.0.1" ;;
  debian-go) packages="golang-github-aws-aws-sdk-go-dev golang-github-coreos-go-oidc-dev golang-github-docker-docker-dev
    golang-github-go-ldap-ldap-dev golang-github-go-sql-driver-mysql-dev golang-github-golang-jwt-jwt-dev golang-github-google-go-github-dev
    golang-github-gorilla-sessions-dev golang-github-hashicorp-go-retryablehttp-dev golang-github-lib-pq-dev
    golang-github-minio-minio-go-v7-dev golang-github-prometheus-client-golang-dev golang-github-slack-go-slack-dev
    golang-github-spf13-viper-dev golang-github-xanzy-go-gitlab-dev golang-golang-x-crypto-dev golang-golang-x-oauth2-dev" ;;
  debian-ruby) packages="ruby-actionpack ruby-activerecord ruby-aws-sdk-core ruby-aws-sigv4 ruby-bcrypt ruby-devise ruby-docker-api
    ruby-doorkeeper ruby-dotenv ruby-excon ruby-faraday ruby-fog-aws ruby-gitlab ruby-google-api-client ruby-googleauth
    ruby-httparty ruby-json-jwt ruby-jwt ruby-kubeclient ruby-mysql2 ruby-net-ldap ruby-net-ssh ruby-oauth2 ruby-octokit
    ruby-omniauth ruby-openid-connect ruby-pg ruby-rack ruby-rack-oauth2 ruby-redis ruby-rest-client ruby-rotp ruby-sidekiq
    ruby-slack-notifier ruby-twitter" ;;
  debian-rust) packages="librust-base64-dev librust-clap-dev librust-config-dev librust-cookie-dev librust-git2-dev librust-hmac-dev
    librust-http-dev librust-hyper-dev librust-hyper-rustls-dev librust-jsonwebtoken-dev librust-mime-dev librust-native-tls-dev
    librust-oauth2-dev librust-openssl-dev librust-pbkdf2-dev librust-pem-dev librust-rand-dev librust-reqwest-dev librust-ring-dev
    librust-rusqlite-dev librust-rustls-dev librust-rustls-pemfile-dev librust-secrecy-dev librust-sequoia-openpgp-dev
    librust-serde-json-dev librust-serde-yaml-dev librust-sha2-dev librust-tokio-postgres-dev librust-tokio-rustls-dev librust-toml-dev
    librust-ureq-dev librust-url-dev librust-uuid-dev librust-webpki-dev librust-zeroize-dev" ;;
  debian-php) packages="php-doctrine-dbal php-google-recaptcha php-guzzlehttp-guzzle php-guzzlehttp-psr7 php-horde-auth
    php-laravel-framework php-league-commonmark php-league-flysystem php-mockery php-monolog php-nesbot-carbon php-net-ldap3
    php-nette-utils php-phpseclib3 php-predis php-ramsey-uuid php-sabre-dav php-slim php-symfony-console php-symfony-dotenv
    php-symfony-framework-bundle php-symfony-http-client php-symfony-http-foundation php-symfony-mailer php-symfony-password-hasher
    php-symfony-routing php-symfony-security-bundle php-symfony-security-core php-symfony-security-csrf php-symfony-security-http
    php-symfony-validator php-twig php-vlucas-phpdotenv phpunit roundcube-core" ;;
  debian-ansible) packages="ansible" ;; # its collections, each a package of its own: modules that take passwords, tokens and keys
  *) echo "unknown set: $set_name (npm-1, npm-2, npm-3, npm-4, debian-python, debian-go, debian-ruby, debian-rust, debian-php, debian-ansible or maven-java)" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
if [ "$set_name" = maven-java ]; then
  # Source jars from Maven Central, each unpacked into a directory named after its artifact.
  for coordinates in $packages; do
    IFS=: read -r group artifact version <<< "$coordinates"
    curl -sfL -o sources.jar "https://repo1.maven.org/maven2/${group//.//}/$artifact/$version/$artifact-$version-sources.jar"
    mkdir -p "$dir/$artifact"
    unzip -q -o sources.jar -d "$dir/$artifact"
  done
elif [ "$set_name" = debian-ansible ]; then
  # Debian 12's Ansible community collections, each unpacked into a directory named namespace.collection.
  apt-get download ansible >/dev/null
  dpkg -x ansible_*.deb unpacked
  for collection in unpacked/usr/lib/python3/dist-packages/ansible_collections/*/*/; do
    name=$(basename "$(dirname "$collection")").$(basename "$collection")
    mkdir -p "$dir/$name"
    (cd "$collection" && find . -type f \( -name "*.py" -o -name "*.yml" -o -name "*.yaml" -o -name "*.md" -o -name "*.json" \) \
      -exec cp --parents {} "$dir/$name/" \;)
  done
elif [ "$set_name" != "${set_name#debian-}" ]; then
  # Debian 12's packages: Python, Ruby or PHP libraries and their documentation, or Go and Rust source as packaged.
  if [ "$set_name" = debian-python ]; then
    where=(\( -path "./usr/lib/python3*" -o -path "./usr/share/doc*" \))
    names=(-name "*.py" -o -name "*.yml" -o -name "*.yaml" -o -name "*.json" -o -name "*.md" -o -name "*.toml" -o -name "*.sh")
  elif [ "$set_name" = debian-ruby ]; then
    where=(\( -path "./usr/lib/ruby*" -o -path "./usr/share/rubygems-integration*" -o -path "./usr/share/doc*" \))
    names=(-name "*.rb" -o -name "*.yml" -o -name "*.yaml" -o -name "*.json" -o -name "*.md")
  elif [ "$set_name" = debian-php ]; then
    where=(\( -path "./usr/share/php*" -o -path "./usr/share/roundcube*" -o -path "./usr/share/doc*" \))
    names=(-name "*.php" -o -name "*.yml" -o -name "*.yaml" -o -name "*.json" -o -name "*.md")
  elif [ "$set_name" = debian-rust ]; then
    where=()
    names=(-name "*.rs" -o -name "*.md" -o -name "*.json" -o -name "*.yaml" -o -name "*.yml" -o -name "*.toml")
  else
    where=()
    names=(-name "*.go" -o -name "*.md" -o -name "*.json" -o -name "*.yaml" -o -name "*.yml")
  fi
  for package in $packages; do
    apt-get download "$package" >/dev/null
    dpkg -x "$package"_*.deb "unpacked-$package"
    mkdir -p "$dir/$package"
    (cd "unpacked-$package" && find . "${where[@]}" -type f \( "${names[@]}" \) -exec cp --parents {} "$dir/$package/" \;)
  done
else
  for spec in $packages; do
    file=$(npm pack --silent "$spec")
    name=${file%.tgz}
    name=${name%-*}
    mkdir -p "$dir/$name"
    tar -xzf "$file" -C "$dir/$name" --strip-components=1
  done
fi
echo "$set_name: $(ls "$dir" | wc -l) packages in $dir" >&2
