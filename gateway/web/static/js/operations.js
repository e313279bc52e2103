// Every GraphQL operation the page sends, by name, in one place: the persisted-query
// hashes are of these exact texts, and an allow-list (TGW_PERSISTED_QUERIES=allowlist)
// can be generated from this file alone. All of them are operations of schema.graphql
// (tests/web/test_assets.py validates each against it).
//
// The actions take the number (`msisdn`, the own one or a linked one), their inputs and
// an `idempotencyKey`, and answer their result fields, `userErrors { field code message }`
// (each `field` names the argument it is about) and, where the page uses it at once,
// `subscriber` as it is after the action.

const op = (name, text) => Object.freeze({ name, text: text.trim() });

// ------------------------------------------------------------------- logging in --

export const RequestLoginCode = op("RequestLoginCode", `
mutation RequestLoginCode($msisdn: Msisdn!) {
  requestLoginCode(msisdn: $msisdn) { expiresAt resendAvailableAt }
}`);

const AUTH_FIELDS = "accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt subscriber { msisdn }";

export const LogIn = op("LogIn", `
mutation LogIn($msisdn: Msisdn!, $code: String!) {
  logIn(msisdn: $msisdn, code: $code) { ${AUTH_FIELDS} }
}`);

export const LogInWithPassword = op("LogInWithPassword", `
mutation LogInWithPassword($msisdn: Msisdn!, $password: String!) {
  logInWithPassword(msisdn: $msisdn, password: $password) { ${AUTH_FIELDS} }
}`);

// The permanent password: changed knowing the current one, or set with a texted code
// (setPassword when logged in, resetPassword from the login screen, which logs in).
export const RequestPasswordCode = op("RequestPasswordCode", `
mutation RequestPasswordCode($msisdn: Msisdn!) {
  requestPasswordCode(msisdn: $msisdn) { expiresAt resendAvailableAt }
}`);

export const ResetPassword = op("ResetPassword", `
mutation ResetPassword($msisdn: Msisdn!, $code: String!, $newPassword: String!) {
  resetPassword(msisdn: $msisdn, code: $code, newPassword: $newPassword) { ${AUTH_FIELDS} }
}`);

export const SetPassword = op("SetPassword", `
mutation SetPassword($code: String!, $newPassword: String!) {
  setPassword(code: $code, newPassword: $newPassword)
}`);

export const ChangePassword = op("ChangePassword", `
mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
}`);

export const RefreshSession = op("RefreshSession", `
mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { ${AUTH_FIELDS} }
}`);

export const LogOut = op("LogOut", `
mutation LogOut($refreshToken: String!) {
  logOut(refreshToken: $refreshToken)
}`);

// --------------------------------------------------------------------- the screen --

/** Who is logged in, and the numbers they may switch to (always the owner's list). */
export const Account = op("Account", `
query Account {
  me { msisdn name linkedNumbers { msisdn alias status } }
}`);

const ORDER_FIELDS = "id state orderedAt completedAt failureReason items { action offeringId name }";

/**
 * Everything the home screen shows about the number being viewed. Spending and the
 * partner offers are deferred: the screen is drawn without waiting for them (billing's
 * charges and loyalty are the slow reads), and their sections fill in as they arrive.
 */
export const HomeScreen = op("HomeScreen", `
query HomeScreen($msisdn: Msisdn!) {
  subscriber(msisdn: $msisdn) {
    msisdn name region
    balance {
      money { amount currency }
      quotas { kind remaining total unit unlimited validUntil name }
      nextChargeAt nextChargeAmount { amount currency } updatedAt stale
    }
    tariff {
      id name description monthlyFee { amount currency }
      allowances { kind amount unit unlimited }
      configurable
      options {
        baseFee { amount currency }
        minutes { value price { amount currency } isDefault }
        gigabytes { value price { amount currency } isDefault }
      }
    }
    services { id name description category status fee { amount currency } }
    ... @defer(label: "expenses") { expenses { category amount { amount currency } } }
    ... @defer(label: "offers") { offers { id partner title description kind validUntil activated promoCode } }
    autopay { id monthly amount { amount currency } belowAmount { amount currency } paymentMethod }
    savedCards { id name lastFourDigits preferred }
    orders { ${ORDER_FIELDS} }
  }
}`);

/** What is on sale: tariffs to compare, services to connect, packages. Public, no token needed. */
export const Catalog = op("Catalog", `
query Catalog {
  tariffs { id name description monthlyFee { amount currency } allowances { kind amount unit unlimited } configurable }
  serviceCatalog { id name description category fee { amount currency } }
  packages { id name description price { amount currency } adds { kind amount unit unlimited } }
}`);

/** The orders of a number, asked again while one is still being carried out. */
export const Orders = op("Orders", `
query Orders($msisdn: Msisdn!) {
  subscriber(msisdn: $msisdn) { orders { ${ORDER_FIELDS} } }
}`);

/** What switching to `tariffId` costs: asked when the change dialog opens. */
export const PreviewTariffChange = op("PreviewTariffChange", `
query PreviewTariffChange($msisdn: Msisdn!, $tariffId: ID!) {
  previewTariffChange(msisdn: $msisdn, tariffId: $tariffId) {
    tariff { id name }
    changeFee { amount currency }
    newMonthlyFee { amount currency }
    currentMonthlyFee { amount currency }
  }
}`);

// ------------------------------------------------------------------ linked numbers --

export const LinkNumber = op("LinkNumber", `
mutation LinkNumber($msisdn: Msisdn!, $alias: String) {
  linkNumber(msisdn: $msisdn, alias: $alias) { expiresAt resendAvailableAt }
}`);

export const ConfirmLinkedNumber = op("ConfirmLinkedNumber", `
mutation ConfirmLinkedNumber($msisdn: Msisdn!, $code: String!) {
  confirmLinkedNumber(msisdn: $msisdn, code: $code) { msisdn alias status }
}`);

export const UnlinkNumber = op("UnlinkNumber", `
mutation UnlinkNumber($msisdn: Msisdn!) {
  unlinkNumber(msisdn: $msisdn)
}`);

// ------------------------------------------------------------------------- actions --

const USER_ERRORS = "userErrors { field code message }";
const AUTOPAY_FIELDS = "autopay { id monthly amount { amount currency } belowAmount { amount currency } paymentMethod }";
const ORDER_RESULT = "orderId orderState userErrors { field code message }";

/** `paymentMethod` is @oneOf: exactly one of savedCardId, cardToken, applePayToken, googlePayToken. */
export const TopUp = op("TopUp", `
mutation TopUp($msisdn: Msisdn!, $amount: Decimal!, $paymentMethod: PaymentMethodInput!, $idempotencyKey: String!) {
  topUp(msisdn: $msisdn, amount: $amount, paymentMethod: $paymentMethod, idempotencyKey: $idempotencyKey) {
    topUpId amount { amount currency }
    ${USER_ERRORS}
    subscriber { balance { money { amount currency } } }
  }
}`);

/** Monthly without `belowAmount`; with it, whenever the balance falls below that. */
export const SetAutopay = op("SetAutopay", `
mutation SetAutopay($msisdn: Msisdn!, $amount: Decimal!, $paymentMethod: PaymentMethodInput!, $belowAmount: Decimal, $idempotencyKey: String!) {
  setAutopay(msisdn: $msisdn, amount: $amount, paymentMethod: $paymentMethod, belowAmount: $belowAmount, idempotencyKey: $idempotencyKey) {
    autopayId
    ${USER_ERRORS}
    subscriber { ${AUTOPAY_FIELDS} }
  }
}`);

export const CancelAutopay = op("CancelAutopay", `
mutation CancelAutopay($msisdn: Msisdn!, $idempotencyKey: String!) {
  cancelAutopay(msisdn: $msisdn, idempotencyKey: $idempotencyKey) {
    autopayId
    ${USER_ERRORS}
    subscriber { ${AUTOPAY_FIELDS} }
  }
}`);

// Orders (TMF622) are carried out asynchronously: each answers the order's id and state,
// and the page asks for the screen again (and, while the order runs, for Orders).

export const ConnectService = op("ConnectService", `
mutation ConnectService($msisdn: Msisdn!, $serviceId: ID!, $idempotencyKey: String!) {
  connectService(msisdn: $msisdn, serviceId: $serviceId, idempotencyKey: $idempotencyKey) { ${ORDER_RESULT} }
}`);

export const DisconnectService = op("DisconnectService", `
mutation DisconnectService($msisdn: Msisdn!, $serviceId: ID!, $idempotencyKey: String!) {
  disconnectService(msisdn: $msisdn, serviceId: $serviceId, idempotencyKey: $idempotencyKey) { ${ORDER_RESULT} }
}`);

export const ChangeTariff = op("ChangeTariff", `
mutation ChangeTariff($msisdn: Msisdn!, $tariffId: ID!, $idempotencyKey: String!) {
  changeTariff(msisdn: $msisdn, tariffId: $tariffId, idempotencyKey: $idempotencyKey) { ${ORDER_RESULT} }
}`);

export const ConfigureTariff = op("ConfigureTariff", `
mutation ConfigureTariff($msisdn: Msisdn!, $minutes: Int!, $gigabytes: Int!, $idempotencyKey: String!) {
  configureTariff(msisdn: $msisdn, minutes: $minutes, gigabytes: $gigabytes, idempotencyKey: $idempotencyKey) { ${ORDER_RESULT} }
}`);

export const AddPackage = op("AddPackage", `
mutation AddPackage($msisdn: Msisdn!, $packageId: ID!, $idempotencyKey: String!) {
  addPackage(msisdn: $msisdn, packageId: $packageId, idempotencyKey: $idempotencyKey) { ${ORDER_RESULT} }
}`);

/** Without `email`, a number not yet in the programme gets userError EMAIL_REQUIRED on `email`. */
export const ActivateOffer = op("ActivateOffer", `
mutation ActivateOffer($msisdn: Msisdn!, $offerId: ID!, $email: String, $name: String, $idempotencyKey: String!) {
  activateOffer(msisdn: $msisdn, offerId: $offerId, email: $email, name: $name, idempotencyKey: $idempotencyKey) {
    offerId promoCode
    ${USER_ERRORS}
  }
}`);

export const ShareData = op("ShareData", `
mutation ShareData($msisdn: Msisdn!, $toMsisdn: Msisdn!, $gigabytes: Int!, $idempotencyKey: String!) {
  shareData(fromMsisdn: $msisdn, toMsisdn: $toMsisdn, gigabytes: $gigabytes, idempotencyKey: $idempotencyKey) {
    transferId
    ${USER_ERRORS}
  }
}`);

export const OrderStatement = op("OrderStatement", `
mutation OrderStatement($msisdn: Msisdn!, $from: Date!, $to: Date!, $email: String!, $format: StatementFormat!, $idempotencyKey: String!) {
  orderStatement(msisdn: $msisdn, from: $from, to: $to, email: $email, format: $format, idempotencyKey: $idempotencyKey) {
    statementId state
    ${USER_ERRORS}
  }
}`);

// -------------------------------------------------------------------- support chat --
// The chat's mutations answer the conversation, message or ticket itself (no userErrors in
// schema.graphql: a refused text is a BAD_USER_INPUT error). New messages come live over
// the WebSocket (live.js), as the subscription SupportMessages.

const MESSAGE_FIELDS = "id conversationId author text sentAt";

/** The number's open conversation, null when there is none: part of the home screen's batch. */
export const SupportConversation = op("SupportConversation", `
query SupportConversation($msisdn: Msisdn!) {
  supportConversation(msisdn: $msisdn) { id msisdn reason status ticketId messages { ${MESSAGE_FIELDS} } }
}`);

/** The first message: opens the conversation (or, if one is open after all, adds to it). */
export const StartSupportConversation = op("StartSupportConversation", `
mutation StartSupportConversation($msisdn: Msisdn!, $text: String!, $idempotencyKey: String!) {
  startSupportConversation(msisdn: $msisdn, text: $text, idempotencyKey: $idempotencyKey) {
    id msisdn reason status messages { ${MESSAGE_FIELDS} }
  }
}`);

export const SendSupportMessage = op("SendSupportMessage", `
mutation SendSupportMessage($conversationId: ID!, $text: String!, $idempotencyKey: String!) {
  sendSupportMessage(conversationId: $conversationId, text: $text, idempotencyKey: $idempotencyKey) { ${MESSAGE_FIELDS} }
}`);

export const EscalateToTicket = op("EscalateToTicket", `
mutation EscalateToTicket($conversationId: ID!, $description: String!, $idempotencyKey: String!) {
  escalateToTicket(conversationId: $conversationId, description: $description, idempotencyKey: $idempotencyKey) { id status }
}`);

/** Over the WebSocket (graphql-transport-ws), not POSTed: each new message of the conversation. */
export const SupportMessages = op("SupportMessages", `
subscription SupportMessages($conversationId: ID!) {
  supportMessages(conversationId: $conversationId) { ${MESSAGE_FIELDS} }
}`);
