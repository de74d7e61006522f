-- DropIndex
DROP INDEX "Customer_shop_lastOrderAt_idx";

-- DropIndex
DROP INDEX "Customer_shop_rfmGroup_idx";
