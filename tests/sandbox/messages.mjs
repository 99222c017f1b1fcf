// Result codes and their messages, English and Vietnamese, as MoMo publishes
// them (developers.momo.vn, result codes page; the texts as transcribed in
// the repository's catalogue, data only). The sandbox answers `message` in
// the request's `lang` (default vi).

/** @type {Record<number, { en: string, vi: string }>} */
export const MESSAGES = {
  0: { en: "Successful.", vi: "Thành công." },
  10: { en: "System is under maintenance.", vi: "Hệ thống đang được bảo trì." },
  11: { en: "Access denied.", vi: "Truy cập bị từ chối." },
  12: { en: "Unsupported API version for this request.", vi: "Phiên bản API không được hỗ trợ cho yêu cầu này." },
  13: { en: "Merchant authentication failed.", vi: "Xác thực doanh nghiệp thất bại." },
  20: { en: "Bad format request.", vi: "Yêu cầu sai định dạng." },
  21: { en: "Request rejected due to invalid transaction amount.", vi: "Yêu cầu bị từ chối vì số tiền giao dịch không hợp lệ." },
  22: { en: "The transaction amount is out of range.", vi: "Số tiền giao dịch không hợp lệ." },
  40: { en: "Duplicated requestId.", vi: "RequestId bị trùng." },
  41: { en: "Duplicated orderId.", vi: "OrderId bị trùng." },
  42: { en: "Invalid orderId or orderId is not found.", vi: "OrderId không hợp lệ hoặc không được tìm thấy." },
  43: { en: "Request rejected due to an analogous transaction is being processed.", vi: "Yêu cầu bị từ chối vì xung đột trong quá trình xử lý giao dịch." },
  44: { en: "Transaction rejected due to invalid paymentCode.", vi: "Giao dịch bị từ chối do mã thanh toán (paymentCode) không hợp lệ." },
  45: { en: "Duplicated ItemId.", vi: "Trùng ItemId." },
  47: { en: "Request rejected due to inapplicable information in the given set of valuable data.", vi: "Yêu cầu bị từ chối vì thông tin không hợp lệ trong danh sách dữ liệu khả dụng." },
  98: { en: "This QR Code has not been generated successfully. Please try again later.", vi: "QR Code tạo không thành công. Vui lòng thử lại sau." },
  99: { en: "Unknown error.", vi: "Lỗi không xác định." },
  1000: { en: "Transaction is initiated, waiting for user confirmation.", vi: "Giao dịch đã được khởi tạo, chờ người dùng xác nhận thanh toán." },
  1001: { en: "Transaction failed due to insufficient funds.", vi: "Giao dịch thanh toán thất bại do tài khoản người dùng không đủ tiền." },
  1002: { en: "Transaction rejected by the issuers of the payment methods.", vi: "Giao dịch bị từ chối do nhà phát hành tài khoản thanh toán." },
  1003: { en: "Transaction cancelled after successfully authorized.", vi: "Giao dịch đã bị hủy." },
  1004: { en: "Transaction failed because the amount exceeds daily/monthly payment limit.", vi: "Giao dịch thất bại do số tiền thanh toán vượt quá hạn mức thanh toán của người dùng." },
  1005: { en: "Transaction failed because the url or QR code expired.", vi: "Giao dịch thất bại do url hoặc QR code đã hết hạn." },
  1006: { en: "Transaction failed because user has denied to confirm the payment.", vi: "Giao dịch thất bại do người dùng đã từ chối xác nhận thanh toán." },
  1007: { en: "Transaction rejected due to inactive or nonexistent user's account.", vi: "Giao dịch bị từ chối vì tài khoản không tồn tại hoặc đang ở trạng thái ngưng hoạt động." },
  1017: { en: "Transaction cancelled by merchant.", vi: "Giao dịch bị hủy bởi đối tác." },
  1026: { en: "Transaction restricted due to promotion rules.", vi: "Giao dịch bị hạn chế theo thể lệ chương trình khuyến mãi." },
  1080: { en: "Refund attempt failed during the processing. Please retry within a short period, preferably after an hour.", vi: "Giao dịch hoàn tiền thất bại trong quá trình xử lý. Vui lòng thử lại trong khoảng thời gian ngắn, tốt hơn là sau một giờ." },
  1081: { en: "Refund rejected. The original transaction might have been refunded.", vi: "Giao dịch hoàn tiền bị từ chối. Giao dịch thanh toán ban đầu có thể đã được hoàn." },
  1088: { en: "Refund rejected. The original payment transaction is ineligible to be refunded.", vi: "Giao dịch hoàn tiền bị từ chối. Giao dịch thanh toán ban đầu không được hỗ trợ hoàn tiền." },
  2019: { en: "Request rejected due to invalid orderGroupId.", vi: "Yêu cầu bị từ chối vì orderGroupId không hợp lệ." },
  4001: { en: "Transaction rejected because the user account is being restricted.", vi: "Giao dịch bị từ chối do tài khoản người dùng đang bị hạn chế." },
  4002: { en: "Transaction rejected because the user account has not been verified by C06.", vi: "Giao dịch bị từ chối do tài khoản người dùng chưa được xác thực với C06." },
  4005: { en: "Transaction rejected due to consumer's QR Code has expired or invalid.", vi: "Giao dịch bị từ chối do mã QR của người dùng đã hết hạn hoặc không hợp lệ." },
  4100: { en: "Transaction failed because user has failed to login.", vi: "Giao dịch thất bại do người dùng không đăng nhập thành công." },
  7000: { en: "Transaction is being processed.", vi: "Giao dịch đang được xử lý." },
  7002: { en: "Transaction is being processed by the provider of the payment instrument selected.", vi: "Giao dịch đang được xử lý bởi nhà cung cấp loại hình thanh toán." },
  9000: { en: "Transaction is authorized successfully.", vi: "Giao dịch đã được xác nhận thành công." },
};

/**
 * The message for `code` in `lang` ("vi" or "en"; anything else gives vi).
 * @param {number} code
 * @param {string} [lang]
 */
export function message(code, lang) {
  const m = MESSAGES[code];
  if (!m) return lang === 'en' ? 'Unknown error.' : 'Lỗi không xác định.';
  return lang === 'en' ? m.en : m.vi;
}
